"""How a request ends: completed and archived (fired by the tasks and archive apps), or
cancelled by the division leader."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions, steps
from ..errors import RequestError
from ..models import Request, events
from .common import deny, fire, log_event


def complete_request(*, request, by=None, comment="") -> Request:
    """Every task accepted and every addressed department rated (checked by the caller).
    The lead department now drafts the completion report, within its step limit."""
    with transaction.atomic():
        now = timezone.now()
        request.step_due_at = steps.step_due(steps.REPORT_DRAFT, start=now)
        fire(request, "complete")
        log_event(request, events.COMPLETED, by=by, comment=comment)
        steps.stop_breakdown(request=request, now=now)
        steps.arm_step(request=request, step=steps.REPORT_DRAFT, start=now)
    return request


def archive_request(*, request, by=None, comment="") -> Request:
    with transaction.atomic():
        request.step_due_at = None
        fire(request, "archive")
        log_event(request, events.ARCHIVED, by=by, comment=comment)
        steps.stop_step(request=request)
    return request


def cancel_request(*, request, by, comment) -> Request:
    if not permissions.is_division_leader(by, request):
        raise deny()
    if not (comment or "").strip():
        raise RequestError(gettext("Say why the request is cancelled."), field="comment")
    with transaction.atomic():
        fire(request, "cancel")
        log_event(request, events.CANCELLED, by=by, comment=comment)
        steps.stop_breakdown(request=request)
    return request
