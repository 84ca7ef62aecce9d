"""Which roles a person holds, derived from the organisation in a fixed number of
queries. Cached on the user object for the duration of one request."""

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Department, Role


@dataclass(frozen=True)
class Roles:
    headed: frozenset[int] = field(default_factory=frozenset)
    liaison_for: frozenset[int] = field(default_factory=frozenset)
    led: frozenset[int] = field(default_factory=frozenset)
    is_secretary: bool = False
    is_group_leader: bool = False
    is_admin: bool = False

    @property
    def names(self) -> set[str]:
        names = {Role.STAFF.value}
        if self.headed:
            names.add(Role.HEAD.value)
        if self.liaison_for:
            names.add(Role.LIAISON.value)
        if self.led:
            names.add(Role.LEADER.value)
        if self.is_secretary:
            names.add(Role.SECRETARY.value)
        if self.is_group_leader:
            names.add(Role.GROUP_LEADER.value)
        return names

    @property
    def is_head(self) -> bool:
        return bool(self.headed)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_for)

    @property
    def is_leader(self) -> bool:
        return bool(self.led)


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_collab_roles", None)
    if cached is not None:
        return cached
    headed, liaison_for, led = set(), set(), set()
    rows = (
        Department.objects.filter(is_active=True)
        .filter(Q(head=user) | Q(liaison=user) | Q(leader=user))
        .values_list("pk", "head_id", "liaison_id", "leader_id")
    )
    for pk, head_id, liaison_id, leader_id in rows:
        if head_id == user.pk:
            headed.add(pk)
        if liaison_id == user.pk:
            liaison_for.add(pk)
        if leader_id == user.pk:
            led.add(pk)
    roles = Roles(
        headed=frozenset(headed),
        liaison_for=frozenset(liaison_for),
        led=frozenset(led),
        is_secretary=user.is_secretary,
        is_group_leader=user.is_group_leader,
        is_admin=user.is_superuser,
    )
    user._collab_roles = roles
    return roles
