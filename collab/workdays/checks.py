"""`manage.py check` warns when this year or next has no working-day calendar."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone


def missing_years() -> list[int]:
    from .models import CalendarYear

    this_year = timezone.localdate().year
    wanted = {this_year, this_year + 1}
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - known)


@register()
def calendar_years_present(app_configs=None, **kwargs):
    try:
        missing = missing_years()
    except DatabaseError:
        return []  # not migrated yet: `migrate` seeds the calendar
    return [
        Warning(
            f"The working-day calendar has no data for {year}.",
            hint=(
                "Enter that year's public holidays and adjusted working days in the admin "
                "(Working days › Calendar years and days), or run `manage.py workdays_seed` "
                "after upgrading the chinese-calendar package. Deadlines in that year are "
                "refused until then."
            ),
            id="workdays.W001",
        )
        for year in missing
    ]
