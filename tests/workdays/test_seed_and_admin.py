import datetime
import io
import zoneinfo

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from collab.workdays import calendar
from collab.workdays.checks import calendar_years_present
from collab.workdays.models import CalendarDay, CalendarYear, OfficeHours, Source
from collab.workdays.services import seed_from_library

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_migration_seeded_library_years(db):
    assert CalendarYear.objects.filter(year=2026, source=Source.LIBRARY).exists()
    assert CalendarDay.objects.get(date=datetime.date(2026, 2, 14)).is_working_day
    assert OfficeHours.objects.get().start == datetime.time(9, 0)


def test_seed_is_idempotent_and_keeps_manual_days(db):
    day = CalendarDay.objects.get(date=datetime.date(2026, 10, 10))
    day.is_working_day = False
    day.source = Source.MANUAL
    day.note = "Company keeps the Saturday off"
    day.save()
    count = CalendarDay.objects.count()

    first = seed_from_library(years=[2026])
    call_command("workdays_seed", stdout=io.StringIO(), stderr=io.StringIO())

    assert first == {}  # nothing to confirm again
    assert CalendarDay.objects.count() == count
    assert not CalendarDay.objects.get(date=datetime.date(2026, 10, 10)).is_working_day


def test_seed_restores_deleted_library_rows(db):
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()

    written = seed_from_library(years=[2025])

    assert written[2025] > 0
    assert CalendarYear.objects.filter(year=2025).exists()
    assert not CalendarDay.objects.get(date=datetime.date(2025, 10, 1)).is_working_day


def test_check_warns_for_provisional_next_year_from_november(db):
    this_year = timezone.localdate().year
    CalendarYear.objects.get_or_create(year=this_year, defaults={"source": Source.NOTICE})
    CalendarYear.objects.filter(year=this_year + 1).delete()

    warnings = calendar_years_present(today=datetime.date(this_year, 11, 1))

    assert [w.id for w in warnings] == ["workdays.W001"]
    assert str(this_year + 1) in warnings[0].msg


def test_check_quiet_about_next_year_before_november(db):
    this_year = timezone.localdate().year
    CalendarYear.objects.get_or_create(year=this_year, defaults={"source": Source.NOTICE})
    CalendarYear.objects.filter(year=this_year + 1).delete()

    assert calendar_years_present(today=datetime.date(this_year, 10, 31)) == []


def test_check_warns_for_provisional_current_year(db):
    this_year = timezone.localdate().year
    CalendarYear.objects.filter(year=this_year).delete()

    warnings = calendar_years_present(today=datetime.date(this_year, 6, 1))

    # A warning, not an error: the product keeps working on the provisional calendar.
    assert [w.id for w in warnings] == ["workdays.W001"]
    assert "provisional" in warnings[0].msg


def test_check_silent_when_both_years_present(db):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": Source.NOTICE})

    assert calendar_years_present() == []


def test_admin_changelist_asks_to_confirm_provisional_year(demo, login):
    this_year = timezone.localdate().year
    CalendarYear.objects.get_or_create(year=this_year, defaults={"source": Source.NOTICE})
    CalendarYear.objects.filter(year=this_year + 1).delete()
    calendar.invalidate()

    with time_machine.travel(datetime.datetime(this_year, 11, 2, 10, tzinfo=SHANGHAI)):
        response = login(demo["admin"]).get(reverse("admin:workdays_calendarday_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"The working-day calendar for {this_year + 1} is provisional" in page
    assert reverse("admin:workdays_calendaryear_confirm") + f"?year={this_year + 1}" in page


def test_admin_office_hours_edit_invalidates_cache(demo, login):
    calendar.next_office_time(timezone.now())  # warm the cache
    hours = OfficeHours.objects.get()

    response = login(demo["admin"]).post(
        reverse("admin:workdays_officehours_change", args=[hours.pk]),
        {"start": "08:00", "end": "17:00"},
    )

    assert response.status_code == 302
    assert calendar.office_hours() == (datetime.time(8, 0), datetime.time(17, 0))


def test_admin_office_hours_reversed_is_refused(demo, login):
    hours = OfficeHours.objects.get()

    response = login(demo["admin"]).post(
        reverse("admin:workdays_officehours_change", args=[hours.pk]),
        {"start": "18:00", "end": "09:00"},
    )

    assert response.status_code == 200
    assert b"must open before it closes" in response.content
