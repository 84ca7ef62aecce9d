"""`{% load workdays %}` then `{% provisional_mark due %}` after a working-day deadline
(or `{% provisional_mark row.due_provisional %}` with a flag computed already):
a small mark with an explanation when the deadline falls in a year whose holiday
calendar is still provisional (it may move when the year is confirmed)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from .. import calendar

register = template.Library()


def explanation() -> str:
    return gettext(
        "Provisional: the official holiday schedule for this year has not been confirmed "
        "yet, so this deadline counts weekends and the estimated public holidays. It is "
        "recomputed, and you are told, when the administrator confirms the year."
    )


@register.simple_tag
def provisional_mark(value) -> str:
    """`value`: a deadline (date or moment), or a flag computed already (True/False)."""
    if isinstance(value, bool):
        shown = value
    else:
        shown = value not in (None, "") and calendar.is_provisional(value)
    if not shown:
        return ""
    return format_html(
        '<abbr class="provisional" title="{}" tabindex="0" data-testid="provisional">{}</abbr>',
        explanation(),
        gettext("provisional"),
    )


@register.filter
def provisional(value) -> bool:
    return bool(value) and calendar.is_provisional(value)
