"""`manage.py check` reports a year whose working-day calendar is still provisional: the
current year at any time, next year from 1 November (the State Council publishes the
notice in the last weeks of the year; asking earlier would only train people to ignore
the warning). Deadlines keep working on the provisional calendar meanwhile."""

from datetime import date

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone

from .models import CalendarYear

# From this day of the year on, next year's calendar is asked for.
REMIND_FROM = (11, 1)


def years_to_confirm(today: date | None = None) -> list[int]:
    """Years an administrator should confirm now: this year, and next year from
    1 November, when they are still provisional."""
    today = today or timezone.localdate()
    wanted = {today.year}
    if (today.month, today.day) >= REMIND_FROM:
        wanted.add(today.year + 1)
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - known)


def _hint() -> str:
    return (
        "Confirm the year from the State Council notice in the admin (Working days › "
        "Calendar years › Confirm a year), or run `manage.py workdays_seed` after upgrading "
        "the chinese-calendar package. Until then deadlines in that year use the provisional "
        "calendar (weekends and estimated statutory holidays) and are marked as provisional."
    )


@register()
def calendar_years_present(app_configs=None, *, today: date | None = None, **kwargs):
    try:
        missing = years_to_confirm(today)
    except DatabaseError:
        return []  # not migrated yet: `migrate` seeds the calendar
    return [
        Warning(
            f"The working-day calendar for {year} is provisional.",
            hint=_hint(),
            id="workdays.W001",
        )
        for year in missing
    ]
