"""Against the published 2026 arrangements (State Council notice, as carried by the
chinese-calendar package): Spring Festival 15–23 Feb off, Sat 14 and Sat 28 Feb worked;
Mid-Autumn 25–27 Sep off; National Day 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked."""

import datetime
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab.workdays import calendar
from collab.workdays.calendar import (
    CalendarMissing,
    add_working_days,
    add_working_hours,
    is_office_time,
    is_working_day,
    next_office_time,
    working_time_between,
)
from collab.workdays.models import CalendarDay, CalendarYear, OfficeHours, Source

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),  # Friday before the holiday
        (D(2026, 2, 14), True),  # Saturday, adjusted working day
        (D(2026, 2, 15), False),
        (D(2026, 2, 16), False),  # Monday, Spring Festival
        (D(2026, 2, 20), False),
        (D(2026, 2, 23), False),  # Monday, last day off
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, adjusted working day
        (D(2026, 3, 1), False),  # ordinary Sunday
    ],
)
def test_is_working_day_spring_festival_2026(db, day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 9, 20), True),  # Sunday, adjusted working day
        (D(2026, 9, 25), False),  # Friday, Mid-Autumn Festival
        (D(2026, 9, 28), True),
        (D(2026, 10, 1), False),
        (D(2026, 10, 5), False),  # Monday, National Day
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday, adjusted working day
        (D(2026, 10, 11), False),
    ],
)
def test_is_working_day_national_day_2026(db, day, working):
    assert is_working_day(day) is working


def test_is_working_day_year_without_data_is_provisional(db):
    CalendarYear.objects.filter(year=2026).delete()
    CalendarDay.objects.filter(date__year=2026).delete()
    calendar.invalidate()

    # Weekends and the estimated statutory holidays; no make-up working days.
    assert is_working_day(D(2026, 5, 6))
    assert not is_working_day(D(2026, 10, 1))
    assert not is_working_day(D(2026, 10, 10))  # the adjusted Saturday is not known
    assert calendar.is_provisional(D(2026, 5, 6))


def test_add_working_days_into_a_year_without_data_is_computed(db):
    # 2026-12-31 (Thursday) + 2 working days runs into 2027, which nobody confirmed yet:
    # 1 January is the estimated New Year holiday, so Monday and Tuesday count.
    CalendarYear.objects.filter(year=2027).delete()

    due = add_working_days(at(2026, 12, 31, 10), 2)

    assert due == at(2027, 1, 5, 10)
    assert calendar.is_provisional(due)
    assert calendar.spans_provisional(at(2026, 12, 31, 10), due)
    assert not calendar.is_provisional(at(2026, 12, 31, 10))


def test_year_outside_the_calendar_range_raises(db):
    with pytest.raises(CalendarMissing) as excinfo:
        is_working_day(D(2300, 1, 4))

    assert excinfo.value.year == 2300


def test_add_working_days_before_spring_festival_lands_on_adjusted_saturday(db):
    assert add_working_days(at(2026, 2, 13, 15), 1) == at(2026, 2, 14, 15)


def test_add_working_days_across_spring_festival(db):
    assert add_working_days(at(2026, 2, 14, 15), 1) == at(2026, 2, 24, 15)


def test_add_working_days_across_national_day(db):
    assert add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 10)
    assert add_working_days(at(2026, 10, 9, 17), 1) == at(2026, 10, 10, 17)


def test_add_working_days_filed_on_weekend_due_at_closing(db):
    assert add_working_days(at(2026, 3, 7, 11), 1) == at(2026, 3, 9, 18)


def test_add_working_days_three_days_for_important_problem(db):
    # Thursday 24 Sep 10:00, Mid-Autumn Fri–Sun, then Mon–Wed.
    assert add_working_days(at(2026, 9, 24, 10), 3) == at(2026, 9, 30, 10)


def test_add_working_days_zero_and_negative(db):
    assert add_working_days(at(2026, 3, 3, 10), 0) == at(2026, 3, 3, 10)
    with pytest.raises(ValueError):
        add_working_days(at(2026, 3, 3, 10), -1)


def test_add_working_days_accepts_utc_and_returns_same_instant(db):
    utc_moment = datetime.datetime(2026, 3, 3, 2, 0, tzinfo=datetime.UTC)  # 10:00 Shanghai

    assert add_working_days(utc_moment, 1) == at(2026, 3, 4, 10)


def test_add_working_days_naive_datetime_refused(db):
    with pytest.raises(ValueError):
        add_working_days(datetime.datetime(2026, 3, 3, 10), 1)


def test_add_working_hours_carries_over_to_next_working_day(db):
    assert add_working_hours(at(2026, 3, 6, 17), 2) == at(2026, 3, 9, 10)


def test_add_working_hours_ending_at_closing_stays_that_day(db):
    assert add_working_hours(at(2026, 3, 3, 16), 2) == at(2026, 3, 3, 18)


def test_add_working_hours_before_opening_starts_at_opening(db):
    assert add_working_hours(at(2026, 3, 3, 7), 1.5) == at(2026, 3, 3, 10, 30)


def test_next_office_time_inside_hours_is_the_moment(db):
    assert next_office_time(at(2026, 3, 3, 11, 15)) == at(2026, 3, 3, 11, 15)


def test_next_office_time_evening_before_adjusted_saturday(db):
    assert next_office_time(at(2026, 2, 13, 19)) == at(2026, 2, 14, 9)


def test_next_office_time_during_holiday(db):
    assert next_office_time(at(2026, 10, 3, 12)) == at(2026, 10, 8, 9)


def test_is_office_time_edges(db):
    assert is_office_time(at(2026, 3, 3, 9))
    assert not is_office_time(at(2026, 3, 3, 18))
    assert not is_office_time(at(2026, 10, 2, 10))
    assert is_office_time(at(2026, 10, 10, 10))


def test_working_time_between_over_weekend(db):
    assert working_time_between(at(2026, 3, 6, 17), at(2026, 3, 9, 10)) == datetime.timedelta(
        hours=2
    )
    assert working_time_between(at(2026, 3, 9, 10), at(2026, 3, 6, 17)) == -datetime.timedelta(
        hours=2
    )


def test_working_time_between_across_spring_festival(db):
    # Fri 13 Feb 09:00 → Tue 24 Feb 09:00: only Fri 13 and Sat 14 are worked in between.
    assert working_time_between(at(2026, 2, 13, 9), at(2026, 2, 24, 9)) == datetime.timedelta(
        hours=18
    )


# The database is only read here, so sharing it between examples is safe.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(
        min_value=datetime.datetime(2026, 1, 5), max_value=datetime.datetime(2026, 11, 30)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 9 * 15),
)
def test_add_working_hours_round_trips_with_working_time_between(db, start, minutes):
    start = start.replace(tzinfo=SH)
    hours = minutes / 60

    due = add_working_hours(start, hours)

    assert working_time_between(start, due) == datetime.timedelta(minutes=minutes)
    assert due >= start


def test_office_hours_edit_changes_arithmetic(db):
    OfficeHours.objects.update_or_create(
        pk=1, defaults={"start": datetime.time(8, 30), "end": datetime.time(17, 30)}
    )
    calendar.invalidate()

    assert next_office_time(at(2026, 3, 3, 8, 0)) == at(2026, 3, 3, 8, 30)
    assert add_working_hours(at(2026, 3, 3, 17), 1) == at(2026, 3, 4, 9)


def test_manual_day_overrides_weekday(db):
    CalendarDay.objects.create(
        date=D(2026, 3, 4), is_working_day=False, name="Company day off", source=Source.MANUAL
    )
    calendar.invalidate()

    assert not is_working_day(D(2026, 3, 4))
    assert add_working_days(at(2026, 3, 3, 10), 1) == at(2026, 3, 5, 10)


def test_library_agrees_with_state_council_notice_2026():
    # The package data itself, independent of what our table holds.
    import chinese_calendar

    off = [D(2026, 2, d) for d in range(15, 24)] + [D(2026, 10, d) for d in range(1, 8)]
    worked = [D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)]
    assert all(chinese_calendar.is_holiday(d) for d in off)
    assert all(chinese_calendar.is_workday(d) for d in worked)
