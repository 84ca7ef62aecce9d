"""Working-day arithmetic for every deadline in Collab.

Rules (DOMAIN §8): weekends off, Chinese public holidays off, adjusted working weekends
(调休) on, office hours from `OfficeHours` (default 09:00–18:00) in the site time zone.

A year marked in `CalendarYear` is *confirmed*: its holidays and adjusted working days
come from the State Council notice (entered by an administrator or loaded from the
chinese-calendar package). Any other year is *provisional*: weekends plus the statutory
holidays as the `holidays` package estimates them, no make-up working days. The
company keeps working in a year the notice has not reached yet; deadlines that fall on a
provisional day are marked (`is_provisional`) and recomputed when the year is confirmed.
Days an administrator entered for a provisional year count over the estimate.

"N working days" means N office days of working time: a request filed on Friday at
15:00 with one working day to answer is due on Monday at 15:00 (Tuesday if Monday is a
holiday); filed on Saturday, it is due at Monday's closing time.

The calendar is loaded once per process and kept for `CACHE_SECONDS`; editing it in
the admin clears this process's copy at once, other processes (the Celery worker) see
the change within `CACHE_SECONDS`."""

import datetime
import functools
import threading
import time
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from .models import CalendarDay, CalendarYear, OfficeHours

CACHE_SECONDS = 60


class WorkdaysError(Exception):
    """A calendar question that cannot be answered."""


# Years the arithmetic answers at all; outside them a date is a typing error.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class CalendarMissing(WorkdaysError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            gettext(
                "The working-day calendar covers the years %(first)s to %(last)s, not %(year)s."
            )
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )


@dataclass(frozen=True)
class _Calendar:
    years: frozenset[int]
    overrides: dict  # date -> is_working_day
    opens: datetime.time
    closes: datetime.time
    loaded_at: float


_lock = threading.Lock()
_cached: _Calendar | None = None


def _load() -> _Calendar:
    hours = OfficeHours.objects.filter(pk=1).first() or OfficeHours()
    return _Calendar(
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        overrides=dict(CalendarDay.objects.values_list("date", "is_working_day")),
        opens=hours.start,
        closes=hours.end,
        loaded_at=time.monotonic(),
    )


def _calendar() -> _Calendar:
    global _cached
    current = _cached
    if current is None or time.monotonic() - current.loaded_at > CACHE_SECONDS:
        with _lock:
            current = _load()
            _cached = current
    return current


def invalidate() -> None:
    """Forget this process's copy; the next question reloads it."""
    global _cached
    _cached = None


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(moment):
        raise ValueError("working-time arithmetic needs an aware datetime")
    return moment.astimezone(_zone())


def known_years() -> frozenset[int]:
    return _calendar().years


def office_hours() -> tuple[datetime.time, datetime.time]:
    cal = _calendar()
    return cal.opens, cal.closes


def end_of_office_day(day: datetime.date) -> datetime.datetime:
    """Something due on a date (an action item, a task) is due when the office closes
    that day."""
    _opens, closes = office_hours()
    return timezone.make_aware(datetime.datetime.combine(day, closes))


@functools.lru_cache(maxsize=32)
def _estimated_holidays(year: int) -> dict[datetime.date, str]:
    """The statutory holidays of `year` as the `holidays` package estimates them."""
    import holidays

    return dict(holidays.China(years=year, language="zh_CN").items())


def estimated_days(year: int) -> list[tuple[datetime.date, bool, str]]:
    """(date, is_working_day, name) of the provisional calendar's holidays, those on a
    weekend included (they carry the festival's name)."""
    return [(day, False, name) for day, name in sorted(_estimated_holidays(year).items())]


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return _local(value).date()
    return value


def is_confirmed_year(year: int) -> bool:
    return year in _calendar().years


def is_provisional(value) -> bool:
    """True for a date (or moment) in a year whose official schedule is not confirmed."""
    if value is None:
        return False
    return _day(value).year not in _calendar().years


def spans_provisional(start, end) -> bool:
    """True when any day from `start` to `end` lies in a provisional year."""
    if start is None or end is None:
        return is_provisional(start or end)
    first, last = sorted((_day(start).year, _day(end).year))
    years = _calendar().years
    return any(year not in years for year in range(first, last + 1))


def is_working_day(day: datetime.date) -> bool:
    day = _day(day)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CalendarMissing(day.year)
    cal = _calendar()
    override = cal.overrides.get(day)
    if override is not None:
        return override
    if day.year not in cal.years and day in _estimated_holidays(day.year):
        return False
    return day.weekday() < 5


def _opening(day: datetime.date, cal: _Calendar) -> datetime.datetime:
    return datetime.datetime.combine(day, cal.opens, tzinfo=_zone())


def _closing(day: datetime.date, cal: _Calendar) -> datetime.datetime:
    return datetime.datetime.combine(day, cal.closes, tzinfo=_zone())


def working_day_length() -> datetime.timedelta:
    cal = _calendar()
    return _closing(datetime.date(2000, 1, 3), cal) - _opening(datetime.date(2000, 1, 3), cal)


def working_hours_for(days: int) -> float:
    """The office time of `days` working days, in hours (the basis of a deadline)."""
    return working_day_length().total_seconds() * days / 3600


def is_office_time(moment: datetime.datetime) -> bool:
    local = _local(moment)
    cal = _calendar()
    return is_working_day(local.date()) and cal.opens <= local.time() < cal.closes


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after `day`."""
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def next_office_time(moment: datetime.datetime) -> datetime.datetime:
    """`moment` itself when the office is open then, else the next opening time."""
    local = _local(moment)
    cal = _calendar()
    day = local.date()
    if is_working_day(day):
        if local.time() < cal.opens:
            return _opening(day, cal)
        if local.time() < cal.closes:
            return local
    return _opening(next_working_day(day), cal)


def add_working_hours(moment: datetime.datetime, hours: float) -> datetime.datetime:
    """The moment when `hours` of office time have passed after `moment`. Work ending
    exactly at closing time is due at closing time, not the next morning."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    cal = _calendar()
    remaining = datetime.timedelta(hours=hours)
    cursor = next_office_time(moment)
    while True:
        available = _closing(cursor.date(), cal) - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = _opening(next_working_day(cursor.date()), cal)


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """`days` full office days of working time after `moment` (see the module notes)."""
    if not isinstance(days, int) or days < 0:
        raise ValueError("days must be a non-negative whole number")
    seconds = working_day_length().total_seconds() * days
    return add_working_hours(moment, seconds / 3600)


def working_time_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    """Office time between two moments; negative when `end` is before `start`."""
    if end < start:
        return -working_time_between(end, start)
    cal = _calendar()
    start, end = _local(start), _local(end)
    total = datetime.timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            lower = max(start, _opening(day, cal))
            upper = min(end, _closing(day, cal))
            if upper > lower:
                total += upper - lower
        day += datetime.timedelta(days=1)
    return total
