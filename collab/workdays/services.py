"""Writes to the calendar: confirming a year from the State Council notice (typed by an
administrator or loaded from the chinese-calendar package).

Confirming a year replaces its provisional estimate. Every open deadline that depends on
a day whose status changed is then recomputed by the listeners registered with
`on_calendar_change` (the reminder engine registers one), which tell the people who hold
those deadlines."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import calendar
from .models import CalendarDay, CalendarYear, Source
from .sources import library_days, library_years

# The notice covers a few days around each festival; a longer range is a typing error.
MAX_RANGE_DAYS = 20


class NoticeError(calendar.WorkdaysError):
    """A notice that cannot be read; `errors` holds (line number, message) pairs."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{line}: {message}" for line, message in errors))


@dataclass(frozen=True)
class NoticeDay:
    date: datetime.date
    is_working_day: bool
    name: str = ""


@dataclass(frozen=True)
class DayChange:
    """A date whose status the confirmation changes."""

    date: datetime.date
    was_working: bool
    is_working: bool
    name: str


@dataclass
class Confirmation:
    year: int
    changes: list[DayChange]
    moved: int = 0  # open deadlines recomputed
    details: dict = field(default_factory=dict)


# --- reading the notice ---------------------------------------------------------------------

_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_LINE = re.compile(
    rf"^\s*{_DATE}\s*(?:(?:\.\.|~|～|–|—|-|至|到)\s*{_DATE})?\s+"
    r"(off|on|休|班|休息|上班)\b\s*(.*?)\s*$",
    re.IGNORECASE,
)
_WORKING = {"on", "班", "上班"}


def _date(year: str, month: str, day: str) -> datetime.date:
    return datetime.date(int(year), int(month), int(day))


def parse_notice(text: str, *, year: int) -> list[NoticeDay]:
    """The days of a notice typed or pasted as lines such as
    `2027-02-05..2027-02-11 off 春节` and `2027-02-14 on 春节调休` (`休`/`班` work too).
    Blank lines and lines starting with # are skipped. Raises NoticeError naming every
    line that cannot be read."""
    days: dict[datetime.date, NoticeDay] = {}
    errors: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(
                (
                    number,
                    gettext(
                        "Write a date or a range and “off” or “on”, e.g. "
                        "2027-02-05..2027-02-11 off 春节 or 2027-02-14 on."
                    ),
                )
            )
            continue
        try:
            first = _date(*match.group(1, 2, 3))
            last = _date(*match.group(4, 5, 6)) if match.group(4) else first
        except ValueError:
            errors.append((number, gettext("This date does not exist.")))
            continue
        working = match.group(7).lower() in _WORKING
        name = match.group(8)[:100]
        if first.year != year or last.year != year:
            errors.append((number, gettext("Every date must be in %(year)s.") % {"year": year}))
            continue
        if last < first:
            errors.append((number, gettext("The range ends before it starts.")))
            continue
        if (last - first).days >= MAX_RANGE_DAYS:
            errors.append(
                (
                    number,
                    gettext("A range covers at most %(days)s days.") % {"days": MAX_RANGE_DAYS},
                )
            )
            continue
        day = first
        while day <= last:
            if day in days:
                errors.append(
                    (number, gettext("%(date)s is listed twice.") % {"date": day.isoformat()})
                )
            elif working and day.weekday() < 5:
                errors.append(
                    (
                        number,
                        gettext(
                            "%(date)s is a weekday and a working day anyway: “on” is for "
                            "weekend days that are worked (调休)."
                        )
                        % {"date": day.isoformat()},
                    )
                )
            else:
                days[day] = NoticeDay(day, working, name)
            day += datetime.timedelta(days=1)
    if errors:
        raise NoticeError(errors)
    if not days:
        raise NoticeError([(0, gettext("The notice lists no days."))])
    return sorted(days.values(), key=lambda d: d.date)


def notice_text(days: list[NoticeDay]) -> str:
    """Lines in the notice format, one per run of consecutive days of the same kind."""
    lines, run = [], []
    for day in sorted(days, key=lambda d: d.date):
        if run and (
            day.date - run[-1].date != datetime.timedelta(days=1)
            or (day.is_working_day, day.name) != (run[-1].is_working_day, run[-1].name)
        ):
            lines.append(_line(run))
            run = []
        run.append(day)
    if run:
        lines.append(_line(run))
    return "\n".join(lines)


def _line(run: list[NoticeDay]) -> str:
    span = run[0].date.isoformat()
    if len(run) > 1:
        span += f"..{run[-1].date.isoformat()}"
    return f"{span} {'on' if run[0].is_working_day else 'off'} {run[0].name}".rstrip()


# --- preview and confirmation ---------------------------------------------------------------


def preview(*, year: int, days: list[NoticeDay]) -> list[DayChange]:
    """Every date of `year` whose status the notice changes against today's calendar
    (the provisional estimate, or the confirmed calendar when re-confirming)."""
    listed = {day.date: day for day in days}
    manual = _manual_days(year)
    changes = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        now_working = calendar.is_working_day(day)
        notice = listed.get(day)
        if day in manual:
            will_work = manual[day]
        elif notice is not None:
            will_work = notice.is_working_day
        else:
            will_work = day.weekday() < 5
        if will_work != now_working:
            name = notice.name if notice else ""
            changes.append(DayChange(day, now_working, will_work, name))
        day += datetime.timedelta(days=1)
    return changes


def _manual_days(year: int) -> dict[datetime.date, bool]:
    """Company rules entered by hand: a notice never overrides them."""
    return dict(
        CalendarDay.objects.filter(date__year=year, source=Source.MANUAL).values_list(
            "date", "is_working_day"
        )
    )


ChangeListener = Callable[..., int]
_listeners: list[ChangeListener] = []


def on_calendar_change(listener: ChangeListener) -> ChangeListener:
    """Register `listener(year=..., changes=[DayChange...], now=...) -> int` (how many open
    deadlines it moved). Called inside the confirming transaction."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def confirm_year(
    *,
    year: int,
    days: list[NoticeDay],
    by=None,
    source: str = Source.NOTICE,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Confirmation:
    """Make `days` the official calendar of `year` and recompute what depends on it."""
    if not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
        raise calendar.CalendarMissing(year)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            CalendarYear.objects.select_for_update().filter(year=year).first()
            changes = preview(year=year, days=days)
            manual = _manual_days(year)
            CalendarDay.objects.filter(date__year=year).exclude(source=Source.MANUAL).delete()
            CalendarDay.objects.bulk_create(
                CalendarDay(
                    date=day.date, is_working_day=day.is_working_day, name=day.name, source=source
                )
                for day in days
                if day.date not in manual
            )
            entry, _created = CalendarYear.objects.get_or_create(
                year=year, defaults={"source": source}
            )
            entry.source, entry.note = source, note[:255]
            entry.confirmed_by, entry.confirmed_at = by, now
            entry.save()
            # The listeners recompute with the confirmed calendar, inside this transaction.
            calendar.invalidate()
            confirmation = Confirmation(year=year, changes=changes)
            if changes:
                for listener in _listeners:
                    confirmation.moved += listener(year=year, changes=changes, now=now) or 0
            transaction.on_commit(calendar.invalidate)
    except BaseException:
        calendar.invalidate()  # nothing was written: forget what this process read
        raise
    return confirmation


def library_notice(year: int) -> list[NoticeDay]:
    return [NoticeDay(date, working, name) for date, working, name in library_days(year)]


def seed_from_library(*, years=None, now=None) -> dict[int, int]:
    """Confirm every year the chinese-calendar package knows and the calendar does not
    have yet (or has from the package with different data). Idempotent; years confirmed
    from a notice and days entered by hand are never overwritten. Returns the number of
    changed days per year that was (re)confirmed."""
    written: dict[int, int] = {}
    sources = dict(CalendarYear.objects.values_list("year", "source"))
    for year in years or library_years():
        days = library_notice(year)
        if not days or sources.get(year) not in (None, Source.LIBRARY):
            continue
        if sources.get(year) == Source.LIBRARY and _library_rows_match(year, days):
            continue
        confirmation = confirm_year(
            year=year, days=days, source=Source.LIBRARY, note="chinese-calendar", now=now
        )
        written[year] = len(confirmation.changes)
    return written


def _library_rows_match(year: int, days: list[NoticeDay]) -> bool:
    stored = set(
        CalendarDay.objects.filter(date__year=year, source=Source.LIBRARY).values_list(
            "date", "is_working_day", "name"
        )
    )
    manual = set(_manual_days(year))
    return stored == {(d.date, d.is_working_day, d.name) for d in days if d.date not in manual}
