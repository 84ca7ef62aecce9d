"""Moments written for the person reading them: local time (settings.TIME_ZONE, or the
time zone activated for the request), the active language's formats, and the time left
in words ("还剩 5 小时" / "5 hours left", "已逾期 2 个工作日" / "2 working days overdue").

Every message, page and document that shows a date or a deadline goes through here, so
that nobody reads `2026-11-30T04:52:45+00:00`. Call these inside the reader's language
(`translation.override`): `notify()` renders each recipient's message that way and turns
the dates of its context into `Moment`s, which print themselves the same way.

"24 h / 48 h / 72 h" limits count calendar hours; "N working days" limits count office
time on the working-day calendar (DOMAIN §8), so a working-day deadline says how many
working days are left or overdue. A date without a time is a deadline at the close of
office that day."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from collab.workdays import calendar

# Up to three days, hours read better than days: the response limits are 24, 48 and 72 h.
HOURS_UP_TO = 72


class Moment:
    """A datetime or a date that prints itself for the reader (see `local_datetime`);
    `now` is the moment the message is written, for the time left."""

    __slots__ = ("value", "now")

    def __init__(self, value: datetime.date, *, now: datetime.datetime | None = None):
        self.value = value
        self.now = now

    def __str__(self) -> str:
        return local_datetime(self.value)

    def __repr__(self) -> str:
        return f"Moment({self.value!r})"

    @property
    def left(self) -> str:
        """Time left or overdue in calendar hours (or days)."""
        return time_left(self.value, self.now)

    @property
    def working_days_left(self) -> str:
        """Time left or overdue in working days."""
        return time_left(self.value, self.now, working_days=True)


def _unwrap(value):
    return value.value if isinstance(value, Moment) else value


def _aware(value: datetime.datetime) -> datetime.datetime:
    # A naive datetime here is a bug upstream; reading it as site time beats crashing.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def local_datetime(value) -> str:
    """An aware datetime in local time with the active language's DATETIME_FORMAT
    ("2026年11月30日 12:52", "Nov. 30, 2026, 12:52 p.m."); a date with its DATE_FORMAT.
    None gives ""."""
    value = _unwrap(value)
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(_aware(value)), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def deadline_moment(value) -> datetime.datetime | None:
    """The aware moment a deadline falls at: a date means the close of office that day."""
    value = _unwrap(value)
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return _aware(value)
    closes = calendar.office_hours()[1]
    return datetime.datetime.combine(value, closes, tzinfo=timezone.get_default_timezone())


def _working_days(due: datetime.datetime, now: datetime.datetime) -> int | None:
    """Whole working days of office time between now and the deadline, or None when the
    calendar cannot say."""
    try:
        office_time = calendar.working_time_between(now, due)
        day = calendar.working_day_length()
    except calendar.WorkdaysError:
        return None
    if day <= datetime.timedelta(0):
        return None
    return int(abs(office_time) // day)


def time_left(value, now: datetime.datetime | None = None, *, working_days: bool = False) -> str:
    """The time left before a deadline, or how long it is overdue, in words of the active
    language. Calendar limits: minutes, hours up to 72, then days. Working-day limits:
    whole working days, and calendar hours or minutes when less than one working day
    is left or overdue. "" without a deadline."""
    due = deadline_moment(value)
    if due is None:
        return ""
    if now is None:
        now = value.now if isinstance(value, Moment) and value.now else timezone.now()
    overdue = due < now
    seconds = abs((due - now).total_seconds())
    if seconds < 60:
        return gettext("due now")
    if working_days:
        days = _working_days(due, now)
        if days:
            if overdue:
                return ngettext(
                    "%(count)d working day overdue", "%(count)d working days overdue", days
                ) % {"count": days}
            return ngettext("%(count)d working day left", "%(count)d working days left", days) % {
                "count": days
            }
    minutes = int(seconds // 60)
    if minutes < 60:
        if overdue:
            return ngettext("%(count)d minute overdue", "%(count)d minutes overdue", minutes) % {
                "count": minutes
            }
        return ngettext("%(count)d minute left", "%(count)d minutes left", minutes) % {
            "count": minutes
        }
    hours = minutes // 60
    if hours <= HOURS_UP_TO:
        if overdue:
            return ngettext("%(count)d hour overdue", "%(count)d hours overdue", hours) % {
                "count": hours
            }
        return ngettext("%(count)d hour left", "%(count)d hours left", hours) % {"count": hours}
    days = hours // 24
    if overdue:
        return ngettext("%(count)d day overdue", "%(count)d days overdue", days) % {"count": days}
    return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}


def local_deadline(value, *, working_days: bool = False) -> str:
    """`local_datetime`, marked "(provisional)" for a working-day deadline that falls in a
    year whose holiday calendar is not confirmed yet (it may move when it is)."""
    when = local_datetime(value)
    if when and working_days and calendar.is_provisional(_unwrap(value)):
        return gettext("%(when)s (provisional)") % {"when": when}
    return when


def deadline_text(
    value, now: datetime.datetime | None = None, *, working_days: bool = False, mark: bool = True
) -> str:
    """The deadline and the time left: "2026年11月30日 12:52（还剩 5 小时）". With `mark`
    a provisional working-day deadline says so in words (pages show a mark instead)."""
    when = local_deadline(value, working_days=working_days and mark)
    if not when:
        return ""
    left = time_left(value, now, working_days=working_days)
    if not left:
        return when
    return gettext("%(when)s (%(left)s)") % {"when": when, "left": left}


def readable(context: dict, *, now: datetime.datetime | None = None) -> dict:
    """`context` with its dates and datetimes turned into Moments, so a template that
    prints `{{ due }}` shows local time in the reader's language."""
    return {
        key: Moment(value, now=now) if isinstance(value, datetime.date) else value
        for key, value in context.items()
    }
