"""The approval chain: the requesting head and the division leader approve or return a
request, the requester withdraws it; a leader's approval reaches the departments."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.workdays.calendar import add_working_days

from .. import permissions, reminders, steps
from ..errors import RequestError
from ..models import Answer, ApprovalRules, Request, RequestType, State, events
from ..models.choices import RESPONSE_HOURS
from ..notifications import queue_notification
from .common import deny, fire, log_event, stale_error


def _reach_departments(request, *, at) -> None:
    hours = RESPONSE_HOURS[request.priority]
    due = at + timedelta(hours=hours)
    # The liaison acknowledges receipt within N working days (DOMAIN §1), a clock of
    # its own beside the 24/48/72 calendar-hour response limit.
    acknowledge_days = ApprovalRules.current().acknowledge_days
    acknowledge_due = add_working_days(at, acknowledge_days)
    request.departments.update(
        reached_at=at,
        response_due=due,
        acknowledge_due=acknowledge_due,
        acknowledged_by=None,
        acknowledged_at=None,
        clock_paused_at=None,
        clock_paused_for=timedelta(0),
        answer=Answer.PENDING,
        answer_text="",
        answered_by=None,
        answered_at=None,
        head_signed_by=None,
        head_signed_at=None,
    )
    # update() skips simple-history; record the new round explicitly.
    for rd in request.departments.select_related("department").all():
        rd.save()
    rds = list(request.departments.select_related("department", "contact").all())
    log_event(
        request,
        events.REACHED,
        by=None,
        at=at,
        data={
            "departments": [rd.department.code for rd in rds],
            "due": due.isoformat(),
            "acknowledge_due": acknowledge_due.isoformat(),
        },
    )
    recipients = []
    for rd in rds:
        recipients += [rd.contact_id, rd.department.liaison_id, rd.department.head_id]
    queue_notification(
        recipients=recipients,
        event="requests.request.reached",
        template="requests_app/notify/reached",
        request=request,
        extra={"due": due},
    )
    reminders.response_due(request=request, start=at)
    reminders.acknowledge_due(request=request, start=at, days=acknowledge_days)


def approve_request(*, request, by, comment="", now=None) -> Request:
    """Level-1 (requesting head) or level-2 (division leader) approval, by state."""
    if not permissions.is_reviewer_role(by, request):
        raise deny()
    with transaction.atomic():
        now = now or timezone.now()
        if permissions.can_head_review(by, request):
            skip = (
                request.type == RequestType.URGENT
                and ApprovalRules.current().urgent_skips_leader_review
            )
            request.head_signed_by = by
            request.head_signed_at = now
            request.step_due_at = None if skip else steps.step_due(steps.LEADER_REVIEW, start=now)
            fire(request, "approve_by_head", skip_leader_review=skip)
            if skip:
                steps.stop_step(request=request, now=now)
            else:
                steps.arm_step(request=request, step=steps.LEADER_REVIEW, start=now)
            log_event(
                request,
                events.HEAD_APPROVED,
                by=by,
                comment=comment,
                at=now,
                data={"skipped_leader_review": skip},
            )
            if not skip:
                leader = request.requesting_department.leader
                queue_notification(
                    recipients=[leader] if leader else [],
                    event="requests.request.head_approved",
                    template="requests_app/notify/head_approved",
                    request=request,
                    extra={"actor": by.name},
                )
        elif permissions.can_leader_review(by, request):
            request.leader_signed_by = by
            request.leader_signed_at = now
            request.step_due_at = None
            fire(request, "approve_by_leader")
            steps.stop_step(request=request, now=now)
            log_event(request, events.LEADER_APPROVED, by=by, comment=comment, at=now)
        else:
            raise stale_error(request)
        if request.state == State.AWAITING_CONFIRMATION:
            _reach_departments(request, at=now)
    return request


def return_request(*, request, by, comment) -> Request:
    if not permissions.is_reviewer_role(by, request):
        raise deny()
    if not (comment or "").strip():
        raise RequestError(gettext("Say what needs to change."), field="comment")
    with transaction.atomic():
        if not permissions.can_review(by, request):
            raise stale_error(request)
        level = 1 if request.state == State.HEAD_REVIEW else 2
        request.step_due_at = None
        fire(request, "return_request")
        steps.stop_step(request=request)
        log_event(request, events.RETURNED, by=by, comment=comment, data={"level": level})
        reminders.confirmation_over(request=request)
        queue_notification(
            recipients=[request.requester],
            event="requests.request.returned",
            template="requests_app/notify/returned",
            request=request,
            extra={"actor": by.name, "comment": comment},
        )
    return request


def withdraw_request(*, request, by, comment="", now=None) -> Request:
    if not permissions.is_requester(by, request):
        raise deny()
    with transaction.atomic():
        now = now or timezone.now()
        request.step_due_at = None
        fire(request, "withdraw")
        steps.stop_step(request=request, now=now)
        log_event(request, events.WITHDRAWN, by=by, comment=comment, at=now)
        reminders.confirmation_over(request=request, now=now)
    return request
