"""Seed the calendar from the chinese-calendar package and create the office hours row.

Uses only the historical models and the package, so later model changes cannot break
it; `manage.py workdays_seed` reloads newer package data later."""

from django.db import migrations


def seed(apps, schema_editor):
    from collab.workdays.sources import library_days, library_years

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    OfficeHours = apps.get_model("workdays", "OfficeHours")
    import datetime

    OfficeHours.objects.get_or_create(
        pk=1, defaults={"start": datetime.time(9, 0), "end": datetime.time(18, 0)}
    )
    known = set(CalendarDay.objects.values_list("date", flat=True))
    for year in library_years():
        rows = [
            CalendarDay(date=d, is_working_day=w, name=n, source="chinese_calendar")
            for d, w, n in library_days(year)
            if d not in known
        ]
        CalendarDay.objects.bulk_create(rows)
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese_calendar"})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
