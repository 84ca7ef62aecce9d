"""Template tags for other apps' pages: the problems of a request or a task, read
through the visibility-filtered selectors."""

from django import template

from .. import permissions, selectors

register = template.Library()


def _user(context):
    http_request = context.get("request")
    return getattr(http_request, "user", None)


@register.simple_tag(takes_context=True)
def problems_of_request(context, collab_request):
    user = _user(context)
    if user is None or collab_request is None:
        return []
    return selectors.problems_of_request(user, collab_request)


@register.simple_tag(takes_context=True)
def problems_of_task(context, task):
    user = _user(context)
    if user is None or task is None:
        return []
    return selectors.problems_of_task(user, task)


@register.simple_tag(takes_context=True)
def may_report_on(context, collab_request):
    user = _user(context)
    return bool(
        user and collab_request is not None and permissions.can_report(user, collab_request)
    )


@register.simple_tag(takes_context=True)
def collab_request_in(context):
    """The request a page shows: `collab_request`, else `object` (the request page's name)."""
    return context.get("collab_request") or context.get("object")
