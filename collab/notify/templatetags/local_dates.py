"""Dates and deadlines for the person reading the page or the message:
`{% load local_dates %}`, then `{{ value|local }}`, `{{ due|time_left }}`,
`{{ due|deadline }}` ("2026年11月30日 12:52（还剩 5 小时）"). Add `:"working"` to count a
working-day deadline in working days: `{{ due|deadline:"working" }}`."""

from django import template

from .. import dates

register = template.Library()


def _working(arg) -> bool:
    return arg == "working"


@register.filter
def local(value) -> str:
    return dates.local_datetime(value)


@register.filter
def time_left(value, arg="") -> str:
    return dates.time_left(value, working_days=_working(arg))


@register.filter
def deadline(value, arg="") -> str:
    # Pages mark a provisional deadline with `{% provisional_mark %}` (workdays tags).
    return dates.deadline_text(value, working_days=_working(arg), mark=False)
