"""The addressed departments: receipt, questions to the requester with the paused
response clock, and the answers that confirm the request or send it back."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from collab.core import workflow

from .. import permissions, reminders, steps
from ..errors import RequestError
from ..models import Answer, Clarification, Request, RequestDepartment, State, events
from ..models.choices import CLARIFICATION_HOURS
from ..notifications import queue_notification
from .common import deny, fire, log_event, stale_error


def _locked(request) -> Request:
    """Department answers are decided together ("all confirmed?"); serialise them."""
    return workflow.lock(Request, request.pk)


def acknowledged_error(request_department) -> RequestError | None:
    """The message for a second "acknowledge receipt" click: who did it, and when."""
    rd = request_department
    if rd.acknowledged_at is None:
        return None
    return RequestError(
        gettext("%(code)s already acknowledged receipt: %(who)s at %(when)s.")
        % {
            "code": rd.department.code,
            "who": rd.acknowledged_by.name if rd.acknowledged_by else "",
            "when": date_format(timezone.localtime(rd.acknowledged_at), "Y-m-d H:i"),
        }
    )


def _acknowledge(request, rd, *, by, now, comment="") -> bool:
    """Record receipt once per round; any answer or question counts as one too.
    Returns whether this call recorded it. The caller saves `rd`."""
    if rd.acknowledged_at is not None:
        return False
    rd.acknowledged_by = by
    rd.acknowledged_at = now
    log_event(
        request,
        events.ACKNOWLEDGED,
        by=by,
        comment=comment,
        at=now,
        data={
            "department": rd.department.code,
            "on_time": bool(rd.acknowledge_due and now <= rd.acknowledge_due),
        },
    )
    reminders.acknowledge_done(request_department=rd, now=now)
    return True


def _open_questions(rd):
    """Questions of this round the requester has not answered yet."""
    qs = Clarification.objects.filter(request_department=rd, answered_at__isnull=True)
    if rd.reached_at:
        qs = qs.filter(asked_at__gte=rd.reached_at)
    return qs


def _pause_clock(request, rd, *, now) -> None:
    """The department waits for the requester: its response clock stops (DOMAIN §8).
    A second open question leaves the first pause running. The caller saves `rd`."""
    if rd.clock_paused_at is not None:
        return
    rd.clock_paused_at = now
    log_event(
        request,
        events.CLOCK_PAUSED,
        by=None,
        at=now,
        data={"department": rd.department.code, "due": rd.response_due.isoformat()},
    )
    reminders.response_held(request_department=rd, now=now)


def _resume_clock(request, rd, *, now) -> bool:
    """Add the paused time to the response deadline; the caller saves `rd` and, while
    the department still owes an answer, re-arms its reminders."""
    if rd.clock_paused_at is None:
        return False
    paused = max(now - rd.clock_paused_at, timedelta(0))
    rd.clock_paused_for += paused
    if rd.response_due is not None:
        rd.response_due += paused
    rd.clock_paused_at = None
    log_event(
        request,
        events.CLOCK_RESUMED,
        by=None,
        at=now,
        data={
            "department": rd.department.code,
            "paused_seconds": int(paused.total_seconds()),
            "due": rd.response_due.isoformat() if rd.response_due else None,
        },
    )
    return True


def acknowledge_receipt(*, request_department, by, comment="", now=None) -> RequestDepartment:
    """The addressed department's liaison, contact person or head confirms receipt."""
    if not permissions.may_answer_for(by, request_department):
        raise deny()
    with transaction.atomic():
        request = _locked(request_department.request)
        rd = RequestDepartment.objects.select_related("department", "acknowledged_by").get(
            pk=request_department.pk
        )
        if rd.acknowledged_at is not None and request.state == State.AWAITING_CONFIRMATION:
            raise acknowledged_error(rd)
        if not permissions.can_acknowledge(by, request, rd):
            raise stale_error(request)
        now = now or timezone.now()
        _acknowledge(request, rd, by=by, now=now, comment=comment)
        rd.save()
        queue_notification(
            recipients=[request.requester],
            event="requests.department.acknowledged",
            template="requests_app/notify/acknowledged",
            request=request,
            extra={"actor": by.name, "department": rd.department.code, "comment": comment or ""},
        )
    request_department.refresh_from_db()
    return rd


# --- confirmation by the addressed departments ---------------------------------------


def answer_department(*, request_department, by, answer, text="", now=None) -> Request:
    if answer not in (Answer.CONFIRMED, Answer.ADJUSTMENT, Answer.DECLINED):
        raise RequestError(gettext("Choose an answer."), field="answer")
    if answer != Answer.CONFIRMED and not (text or "").strip():
        raise RequestError(
            gettext("Say what needs to be adjusted, or why you decline."), field="text"
        )
    if not permissions.may_answer_for(by, request_department):
        raise deny()
    with transaction.atomic():
        request = _locked(request_department.request)
        rd = RequestDepartment.objects.select_related("department").get(pk=request_department.pk)
        if not permissions.can_answer(by, request, rd):
            if rd.answered_at and request.state == State.AWAITING_CONFIRMATION:
                raise RequestError(
                    gettext("%(code)s already answered: %(who)s at %(when)s.")
                    % {
                        "code": rd.department.code,
                        "who": rd.answered_by.name if rd.answered_by else "",
                        "when": date_format(timezone.localtime(rd.answered_at), "Y-m-d H:i"),
                    }
                )
            raise stale_error(request)
        now = now or timezone.now()
        _acknowledge(request, rd, by=by, now=now)
        # Answering while its own question is open ends the pause; the answer is on
        # time when the pause began before the deadline.
        _resume_clock(request, rd, now=now)
        rd.answer = answer
        rd.answer_text = text or ""
        rd.answered_by = by
        rd.answered_at = now
        if rd.department.head_id == by.pk:
            rd.head_signed_by = by
            rd.head_signed_at = now
        rd.save()
        verb = {
            Answer.CONFIRMED: events.DEPARTMENT_CONFIRMED,
            Answer.ADJUSTMENT: events.DEPARTMENT_ADJUSTMENT,
            Answer.DECLINED: events.DEPARTMENT_DECLINED,
        }[answer]
        log_event(
            request, verb, by=by, comment=text, at=now, data={"department": rd.department.code}
        )
        reminders.response_done(request_department=rd, now=now)

        if answer != Answer.CONFIRMED:
            fire(request, "return_from_confirmation")
            log_event(
                request,
                events.RETURNED_BY_DEPARTMENTS,
                by=None,
                comment=text,
                at=now,
                data={"department": rd.department.code, "answer": answer},
            )
            queue_notification(
                recipients=[request.requester],
                event="requests.request.returned",
                template="requests_app/notify/returned",
                request=request,
                extra={"actor": by.name, "comment": text},
            )
            reminders.confirmation_over(request=request, now=now)
        elif not request.departments.exclude(answer=Answer.CONFIRMED).exists():
            fire(request, "start")
            steps.start_breakdown(request=request, now=now)
            log_event(request, events.STARTED, by=None, at=now)
            recipients = [request.requester_id, request.requesting_department.head_id]
            recipients += [
                rd.department.head_id
                for rd in request.departments.select_related("department").all()
            ]
            queue_notification(
                recipients=recipients,
                event="requests.request.confirmed",
                template="requests_app/notify/confirmed",
                request=request,
                extra={},
            )
            reminders.confirmation_over(request=request, now=now)
    request_department.refresh_from_db()
    return request


def ask_clarification(*, request_department, by, question, now=None) -> Clarification:
    if not (question or "").strip():
        raise RequestError(gettext("Write the question."), field="question")
    if not permissions.may_answer_for(by, request_department):
        raise deny()
    with transaction.atomic():
        request = _locked(request_department.request)
        rd = RequestDepartment.objects.select_related("department").get(pk=request_department.pk)
        if not permissions.can_answer(by, request, rd):
            raise stale_error(request)
        now = now or timezone.now()
        clarification = Clarification.objects.create(
            request=request,
            request_department=rd,
            question=question,
            asked_by=by,
            asked_at=now,
            answer_due=now + timedelta(hours=CLARIFICATION_HOURS),
        )
        log_event(
            request,
            events.CLARIFICATION_ASKED,
            by=by,
            comment=question,
            at=now,
            data={"clarification": clarification.pk},
        )
        _acknowledge(request, rd, by=by, now=now)
        _pause_clock(request, rd, now=now)
        rd.save()
        queue_notification(
            recipients=[request.requester],
            event="requests.clarification.asked",
            template="requests_app/notify/clarification_asked",
            request=request,
            extra={"actor": by.name, "question": question, "due": clarification.answer_due},
        )
        reminders.clarification_due(clarification=clarification)
    return clarification


def answer_clarification(*, clarification, by, answer, now=None) -> Clarification:
    if not (answer or "").strip():
        raise RequestError(gettext("Write the answer."), field="answer")
    if not permissions.is_requester(by, clarification.request):
        raise deny()
    with transaction.atomic():
        request = _locked(clarification.request)
        clarification = Clarification.objects.select_related("answered_by").get(pk=clarification.pk)
        if clarification.answered_at is not None:
            raise RequestError(
                gettext("This question was already answered by %(who)s at %(when)s.")
                % {
                    "who": clarification.answered_by.name,
                    "when": date_format(timezone.localtime(clarification.answered_at), "Y-m-d H:i"),
                }
            )
        if not permissions.can_reply_clarification(by, request, clarification):
            raise stale_error(request)
        now = now or timezone.now()
        clarification.answer = answer
        clarification.answered_by = by
        clarification.answered_at = now
        clarification.save()
        log_event(
            request,
            events.CLARIFICATION_ANSWERED,
            by=by,
            comment=answer,
            at=now,
            data={"clarification": clarification.pk},
        )
        queue_notification(
            recipients=[clarification.asked_by_id],
            event="requests.clarification.answered",
            template="requests_app/notify/clarification_answered",
            request=request,
            extra={"actor": by.name, "answer": answer},
        )
        reminders.clarification_done(clarification=clarification, now=now)
        rd = RequestDepartment.objects.select_related("department").get(
            pk=clarification.request_department_id
        )
        # The clock runs again only when the department's last open question is answered.
        if (
            rd.is_pending
            and not _open_questions(rd).exists()
            and _resume_clock(request, rd, now=now)
        ):
            rd.save()
            reminders.response_rearmed(request_department=rd, start=now)
    return clarification
