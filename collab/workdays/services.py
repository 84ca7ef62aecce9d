"""Writes to the calendar: seeding from the chinese-calendar package."""

from django.db import transaction

from . import calendar
from .models import CalendarDay, CalendarYear, Source
from .sources import library_days, library_years


def seed_from_library(*, years=None) -> dict[int, int]:
    """Load the package's holidays and adjusted working days. Idempotent; rows an
    administrator entered by hand (any source but the package) are never overwritten.
    Returns the number of dates written per year."""
    written: dict[int, int] = {}
    with transaction.atomic():
        for year in years or library_years():
            rows = library_days(year)
            if not rows:
                continue
            manual = set(
                CalendarDay.objects.filter(date__year=year)
                .exclude(source=Source.LIBRARY)
                .values_list("date", flat=True)
            )
            existing = {
                day.date: day
                for day in CalendarDay.objects.filter(date__year=year, source=Source.LIBRARY)
            }
            new, changed = [], []
            for date, is_working, name in rows:
                if date in manual:
                    continue
                day = existing.get(date)
                if day is None:
                    new.append(
                        CalendarDay(
                            date=date, is_working_day=is_working, name=name, source=Source.LIBRARY
                        )
                    )
                elif (day.is_working_day, day.name) != (is_working, name):
                    day.is_working_day, day.name = is_working, name
                    changed.append(day)
            CalendarDay.objects.bulk_create(new)
            CalendarDay.objects.bulk_update(changed, ["is_working_day", "name"])
            CalendarYear.objects.get_or_create(year=year, defaults={"source": Source.LIBRARY})
            written[year] = len(new) + len(changed)
        transaction.on_commit(calendar.invalidate)
    return written
