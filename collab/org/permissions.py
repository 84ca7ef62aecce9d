"""Who may see which part of the shell. Domain apps keep their own rules."""

from .roles import roles_of


def can_use_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_see_ledgers(user) -> bool:
    # Everyone sees the requests they may see; the secretary and leaders see all.
    return bool(user.is_authenticated)


def can_see_meetings(user) -> bool:
    return bool(user.is_authenticated)


def can_manage_meetings(user) -> bool:
    return roles_of(user).is_secretary
