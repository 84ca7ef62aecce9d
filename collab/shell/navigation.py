"""The main navigation, decided in one place from the user's roles."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collab.kpi import permissions as kpi_permissions
from collab.org import permissions as org_permissions


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    allowed: object  # predicate taking the user

    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION = [
    NavEntry("my_work", _("My work"), "shell:my_work", lambda u: u.is_authenticated),
    NavEntry("requests", _("Requests"), "requests:list", lambda u: u.is_authenticated),
    NavEntry("tasks", _("Tasks"), "tasks:list", lambda u: u.is_authenticated),
    NavEntry("problems", _("Problems"), "issues:problems", lambda u: u.is_authenticated),
    NavEntry("meetings", _("Meetings"), "issues:meetings", org_permissions.can_see_meetings),
    NavEntry("ledgers", _("Ledgers"), "archive:ledgers", org_permissions.can_see_ledgers),
    NavEntry("kpi", _("KPIs"), "kpi:dashboard", kpi_permissions.can_see_kpis),
    NavEntry("admin", _("Admin"), "admin:index", org_permissions.can_use_admin),
]


def entries_for(user) -> list[NavEntry]:
    return [entry for entry in NAVIGATION if entry.allowed(user)]
