"""`manage.py check` reports a working-day calendar that lacks this year or, close to
the end of the year, next year.

The State Council publishes next year's holidays in the last weeks of the year, so
asking for them earlier would only train people to ignore the warning; the admin pages
show the gap all the time."""

from datetime import date

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError
from django.utils import timezone


def missing_years() -> list[int]:
    from .models import CalendarYear

    this_year = timezone.localdate().year
    wanted = {this_year, this_year + 1}
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - known)


def _hint() -> str:
    return (
        "Enter that year's public holidays and adjusted working days in the admin "
        "(Working days › Calendar years and days), or run `manage.py workdays_seed` "
        "after upgrading the chinese-calendar package. Deadlines in that year are "
        "refused until then."
    )


@register()
def calendar_years_present(app_configs=None, *, today: date | None = None, **kwargs):
    try:
        missing = missing_years()
    except DatabaseError:
        return []  # not migrated yet: `migrate` seeds the calendar
    today = today or timezone.localdate()
    warn_from = date(today.year, 12, 31).toordinal() - settings.WORKDAYS_NEXT_YEAR_WARNING_DAYS
    messages = []
    for year in missing:
        if year == today.year:
            messages.append(
                Error(
                    f"The working-day calendar has no data for {year}.",
                    hint=_hint(),
                    id="workdays.E001",
                )
            )
        elif today.toordinal() >= warn_from:
            messages.append(
                Warning(
                    f"The working-day calendar has no data for {year}.",
                    hint=_hint(),
                    id="workdays.W001",
                )
            )
    return messages
