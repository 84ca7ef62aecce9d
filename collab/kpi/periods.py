"""Reporting periods: a month, a quarter or a custom range of days, in local time."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH, QUARTER, CUSTOM = "month", "quarter", "custom"
TREND_LENGTH = 6


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date  # first day, inclusive
    end: datetime.date  # day after the last, exclusive

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        last = self.end - datetime.timedelta(days=1)
        return _("%(start)s to %(end)s") % {"start": self.start, "end": last}

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(self.end, datetime.time.min, tzinfo=tz),
        )

    def query(self) -> str:
        """The query string that selects this period on the dashboard."""
        if self.kind == MONTH:
            return f"period=month&month={self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"period=quarter&quarter={self.label}"
        return f"period=custom&start={self.start}&end={self.last_day}"

    def trend(self) -> list["Period"]:
        """The periods a trend chart shows, oldest first, ending with this one. A custom
        range is shown month by month."""
        if self.kind == CUSTOM:
            months, cursor = [], month_of(self.start)
            while cursor.start < self.end and len(months) < 24:
                months.append(cursor)
                cursor = month_of(cursor.end)
            return months
        periods = [self]
        for _i in range(TREND_LENGTH - 1):
            previous = periods[0].start - datetime.timedelta(days=1)
            periods.insert(0, (month_of if self.kind == MONTH else quarter_of)(previous))
        return periods


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_of(day: datetime.date) -> Period:
    start = day.replace(day=1)
    return Period(MONTH, start, _add_months(start, 1))


def quarter_of(day: datetime.date) -> Period:
    start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period(QUARTER, start, _add_months(start, 3))


def custom(start: datetime.date, last_day: datetime.date) -> Period:
    return Period(CUSTOM, start, last_day + datetime.timedelta(days=1))
