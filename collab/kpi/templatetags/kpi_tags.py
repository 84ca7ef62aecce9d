from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..selectors import score

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def kpi_link(links, metric, period, code, value, suffix=""):
    """A figure, linked to the list of items behind it; "—" when there is no figure."""
    if value is None:
        return "—"
    text = f"{value:g}{suffix}" if isinstance(value, float) else f"{value}{suffix}"
    if not links:
        return text
    url = reverse("kpi:items", args=[metric]) + "?" + period.query()
    if code:
        url += f"&department={code}"
    return format_html('<a href="{}" data-metric="{}">{}</a>', url, metric, text)


@register.filter
def kpi_score(figures):
    return score(figures)
