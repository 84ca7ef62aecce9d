"""My work for administrators: a year whose calendar is still provisional (this year, or
next year from 1 November) waits to be confirmed from the State Council notice."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.inbox import WorkItem

from . import calendar
from .checks import REMIND_FROM

CONFIRM_PERMISSION = "workdays.change_calendaryear"


def may_confirm(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(CONFIRM_PERMISSION))


def provisional_years(today: datetime.date | None = None) -> list[int]:
    """Like `checks.years_to_confirm`, from this process's calendar (no query)."""
    today = today or timezone.localdate()
    wanted = [today.year]
    if (today.month, today.day) >= REMIND_FROM:
        wanted.append(today.year + 1)
    return [year for year in wanted if not calendar.is_confirmed_year(year)]


def work_items(user) -> list[WorkItem]:
    if not may_confirm(user):
        return []
    url = reverse("admin:workdays_calendaryear_confirm")
    items = []
    for year in provisional_years():
        # Next year's notice is wanted before the year starts; this year's is late.
        due = datetime.datetime.combine(
            datetime.date(year - 1, 12, 31)
            if year > timezone.localdate().year
            else timezone.localdate(),
            datetime.time(18, 0),
            tzinfo=calendar._zone(),
        )
        items.append(
            WorkItem(
                kind=gettext("Working days"),
                title=gettext("The %(year)s working-day calendar is provisional") % {"year": year},
                url=f"{url}?year={year}",
                action=gettext("Confirm it from the State Council notice"),
                due=due,
            )
        )
    return items
