"""Who sees which KPI figures (DOMAIN §9): division leaders, the coordination group
leader, the executive secretary and administrators see every department; a department
head sees their own departments and the company totals; nobody else sees KPIs."""

from collab.org.models import Department
from collab.org.roles import roles_of


def sees_all_departments(user) -> bool:
    roles = roles_of(user)
    return bool(roles.led or roles.is_secretary or roles.is_group_leader or roles.is_admin)


def can_see_kpis(user) -> bool:
    return bool(user.is_authenticated and (sees_all_departments(user) or roles_of(user).headed))


def departments_for(user):
    """The departments whose own figures the person may see."""
    if not can_see_kpis(user):
        return Department.objects.none()
    qs = Department.objects.filter(is_active=True).order_by("code")
    if sees_all_departments(user):
        return qs
    return qs.filter(pk__in=roles_of(user).headed)
