"""Every write to a request: one function per use case, one transaction each,
notifications after commit. No HTTP objects here, so the API can reuse them."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm

from collab.core import workflow
from collab.core.files import check_uploads
from collab.workdays.calendar import add_working_days

from . import permissions, reminders, steps
from .dates import request_date_problems
from .errors import RequestError
from .models import (
    Answer,
    ApprovalRules,
    Attachment,
    Clarification,
    Milestone,
    Request,
    RequestDepartment,
    RequestEvent,
    RequestType,
    State,
    events,
)
from .models.choices import CLARIFICATION_HOURS, RESPONSE_HOURS
from .notifications import queue_notification
from .numbering import draw_number

REQUEST_FIELDS = [
    "title",
    "type",
    "contact_phone",
    "external_partner",
    "background_goal",
    "content_deliverables",
    "start_date",
    "deadline",
    "resource_needs",
    "expected_benefit",
    "usage_period",
    "priority",
    "confidentiality",
]


# --- helpers -------------------------------------------------------------------------


def _log(request, verb, *, by, comment="", data=None, at=None) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        verb=verb,
        actor=by,
        comment=comment or "",
        data=data or {},
        at=at or timezone.now(),
    )


def _deny() -> RequestError:
    return RequestError(gettext("You are not allowed to do this."))


APPROVED_VERBS = {events.HEAD_APPROVED, events.LEADER_APPROVED}
# Events that do not change what a person can do next.
QUIET_VERBS = {events.ATTACHMENT_ADDED, events.EDITED, events.ACCESS_GRANTED, events.DEADLINE_MOVED}


def stale_error(request) -> RequestError:
    """Explain a click that came too late: who changed the request, and when.

    Names the last person who acted: the system's own follow-ups (the request reaching
    the departments once the leader approved, a deadline moved) are consequences, not
    the change the person lost to. Reads a fresh copy rather than refresh_from_db():
    django-fsm lifts the field's protection class-wide while refreshing, which races
    with other threads."""
    request = Request.objects.get(pk=request.pk)
    history = (
        RequestEvent.objects.filter(request=request)
        .exclude(verb__in=[*QUIET_VERBS])
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    last = history.filter(actor__isnull=False).first() or history.first()
    state = request.get_state_display()
    if last is None:
        return RequestError(
            gettext("This request has changed in the meantime; it is now “%(state)s”.")
            % {"state": state}
        )
    params = {
        "who": last.actor.name if last.actor else gettext("the system"),
        "when": date_format(timezone.localtime(last.at), "Y-m-d H:i"),
        "what": last.label,
        "state": state,
    }
    if last.verb in APPROVED_VERBS:
        return RequestError(
            gettext("Already approved by %(who)s at %(when)s; the request is now “%(state)s”.")
            % params
        )
    if last.actor is None:
        return RequestError(
            gettext(
                "This request has changed in the meantime (%(what)s, %(when)s); it is now “%(state)s”."
            )
            % params
        )
    return RequestError(
        gettext(
            "This request has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        )
        % params
    )


def _fire(request, method_name: str, **kwargs):
    """Run one transition and save it; a stale state or a concurrent save becomes a
    RequestError saying who got there first."""
    workflow.fire(
        request,
        method_name,
        stale=stale_error,
        then={"state_changed_at": timezone.now()},
        **kwargs,
    )


def _detail_url(request) -> str:
    return reverse("requests:detail", args=[request.pk])


def _validate(
    *, requester, fields, departments, milestones, recorded_late=False, stored_start=None
) -> None:
    if not departments:
        raise RequestError(gettext("Address at least one department."), field="departments")
    seen = set()
    for department, contact in departments:
        if department.pk == requester.department_id:
            raise RequestError(
                gettext("A request cannot be addressed to your own department."),
                field="departments",
            )
        if department.pk in seen:
            raise RequestError(
                gettext("%(code)s is addressed twice.") % {"code": department.code},
                field="departments",
            )
        seen.add(department.pk)
        if contact is not None and contact.department_id != department.pk:
            raise RequestError(
                gettext("The contact person must belong to %(code)s.") % {"code": department.code},
                field="departments",
            )
        if contact is None and department.liaison_id is None:
            raise RequestError(
                gettext("%(code)s has no liaison; name a contact person.")
                % {"code": department.code},
                field="departments",
            )
    problems = request_date_problems(
        start=fields.get("start_date"),
        deadline=fields.get("deadline"),
        milestones=milestones,
        today=timezone.localdate(),
        recorded_late=recorded_late,
        stored_start=stored_start,
    )
    if problems:
        raise RequestError(problems[0].message, field=problems[0].field)
    if fields.get("type") == RequestType.RESOURCE:
        for name in ("expected_benefit", "usage_period"):
            if not (fields.get(name) or "").strip():
                raise RequestError(
                    gettext("Resource requests state the expected benefit and period of use."),
                    field=name,
                )


def _set_departments(request, departments) -> None:
    existing = {rd.department_id: rd for rd in request.departments.all()}
    wanted = set()
    for department, contact in departments:
        wanted.add(department.pk)
        contact_id = contact.pk if contact else department.liaison_id
        rd = existing.get(department.pk)
        if rd is None:
            RequestDepartment.objects.create(
                request=request, department=department, contact_id=contact_id
            )
        elif rd.contact_id != contact_id:
            rd.contact_id = contact_id
            rd.save()
    for department_id, rd in existing.items():
        if department_id not in wanted:
            rd.delete()


def _set_milestones(request, milestones) -> None:
    current = [(m.date, m.description) for m in request.milestones.all()]
    if current == list(milestones):
        return
    for milestone in request.milestones.all():
        milestone.delete()  # one by one so each deletion reaches the history
    for day, description in milestones:
        Milestone.objects.create(request=request, date=day, description=description)


def _store_attachments(request, files, by) -> None:
    check_uploads(files, field="attachments", error=RequestError)
    for upload in files:
        attachment = Attachment.store(upload, request=request, uploaded_by=by)
        _log(request, events.ATTACHMENT_ADDED, by=by, data={"name": attachment.original_name})


# --- filing --------------------------------------------------------------------------


def _late_record(fields, *, recorded_late, stored_start=None) -> dict:
    """Timeline data saying the requester confirmed a start date in the past."""
    start = fields.get("start_date")
    if recorded_late and start and start != stored_start and start < timezone.localdate():
        return {"recorded_late": True}
    return {}


def create_request(
    *, by, fields, departments, milestones=(), files=(), recorded_late=False
) -> Request:
    """Save a new draft. `departments` is a list of (Department, contact or None).
    `recorded_late`: the requester confirms that a start date in the past is true (the
    request was agreed before today); see dates.py."""
    if by.department_id is None:
        raise RequestError(gettext("You need to belong to a department to file a request."))
    _validate(
        requester=by,
        fields=fields,
        departments=departments,
        milestones=milestones,
        recorded_late=recorded_late,
    )
    with transaction.atomic():
        request = Request(
            requester=by,
            requesting_department_id=by.department_id,
            **{name: fields[name] for name in REQUEST_FIELDS if name in fields},
        )
        request.save()
        _set_departments(request, departments)
        _set_milestones(request, milestones)
        _store_attachments(request, files, by)
        _log(request, events.CREATED, by=by, data=_late_record(fields, recorded_late=recorded_late))
    return request


def update_request(
    *, request, by, fields, departments, milestones=(), files=(), recorded_late=False
) -> Request:
    if not permissions.is_requester(by, request):
        raise _deny()
    if not permissions.can_edit(by, request):
        raise stale_error(request)
    # The saved start date, not the instance's: a bound ModelForm has already copied the
    # new values onto it. An unchanged start date is not judged against today again.
    stored_start = Request.objects.filter(pk=request.pk).values_list("start_date", flat=True)[0]
    _validate(
        requester=by,
        fields=fields,
        departments=departments,
        milestones=milestones,
        recorded_late=recorded_late,
        stored_start=stored_start,
    )
    with transaction.atomic():
        # Compare with the stored row: a bound ModelForm has already copied the new
        # values onto the instance.
        stored = Request.objects.get(pk=request.pk)
        changed = [
            name
            for name in REQUEST_FIELDS
            if name in fields and getattr(stored, name) != fields[name]
        ]
        for name in changed:
            setattr(request, name, fields[name])
        workflow.save(request, stale=stale_error)
        _set_departments(request, departments)
        _set_milestones(request, milestones)
        _store_attachments(request, files, by)
        _log(
            request,
            events.EDITED,
            by=by,
            data={
                "fields": changed,
                **_late_record(fields, recorded_late=recorded_late, stored_start=stored_start),
            },
        )
    return request


def submit_request(*, request, by, comment="", now=None) -> Request:
    """First submission draws the number; a resubmission after a return keeps it."""
    if not permissions.is_requester(by, request):
        raise _deny()
    with transaction.atomic():
        now = now or timezone.now()
        first = request.state == State.DRAFT
        if request.state not in (State.DRAFT, State.RETURNED):
            raise stale_error(request)
        if not request.departments.exists():
            raise RequestError(gettext("Address at least one department."))
        # The same rule as when the dates were saved; the start date was accepted then and
        # is not judged again, but a deadline that has passed meanwhile must be moved.
        problems = request_date_problems(
            start=request.start_date,
            deadline=request.deadline,
            today=timezone.localdate(),
            stored_start=request.start_date,
        )
        if problems:
            raise RequestError(problems[0].message, field=problems[0].field)
        if request.number is None:
            request.number = draw_number(department=request.requesting_department, at=now)
            request.submitted_at = now
        request.step_due_at = steps.step_due(steps.HEAD_REVIEW, start=now)
        _fire(request, "submit" if first else "resubmit")
        steps.arm_step(request=request, step=steps.HEAD_REVIEW, start=now)
        _log(
            request,
            events.SUBMITTED if first else events.RESUBMITTED,
            by=by,
            comment=comment,
            data={"number": request.number},
            at=now,
        )
        head = request.requesting_department.head
        queue_notification(
            recipients=[head] if head else [],
            event="requests.request.submitted",
            template="requests_app/notify/submitted",
            request=request,
            extra={"actor": by.name},
        )
    return request


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
    _log(
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
        raise _deny()
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
            _fire(request, "approve_by_head", skip_leader_review=skip)
            if skip:
                steps.stop_step(request=request, now=now)
            else:
                steps.arm_step(request=request, step=steps.LEADER_REVIEW, start=now)
            _log(
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
            _fire(request, "approve_by_leader")
            steps.stop_step(request=request, now=now)
            _log(request, events.LEADER_APPROVED, by=by, comment=comment, at=now)
        else:
            raise stale_error(request)
        if request.state == State.AWAITING_CONFIRMATION:
            _reach_departments(request, at=now)
    return request


def return_request(*, request, by, comment) -> Request:
    if not permissions.is_reviewer_role(by, request):
        raise _deny()
    if not (comment or "").strip():
        raise RequestError(gettext("Say what needs to change."), field="comment")
    with transaction.atomic():
        if not permissions.can_review(by, request):
            raise stale_error(request)
        level = 1 if request.state == State.HEAD_REVIEW else 2
        request.step_due_at = None
        _fire(request, "return_request")
        steps.stop_step(request=request)
        _log(request, events.RETURNED, by=by, comment=comment, data={"level": level})
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
        raise _deny()
    with transaction.atomic():
        now = now or timezone.now()
        request.step_due_at = None
        _fire(request, "withdraw")
        steps.stop_step(request=request, now=now)
        _log(request, events.WITHDRAWN, by=by, comment=comment, at=now)
        reminders.confirmation_over(request=request, now=now)
    return request


# --- the addressed departments: receipt, the paused clock, confirmation -------------


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
    _log(
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
    _log(
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
    _log(
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
        raise _deny()
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
        raise _deny()
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
        _log(request, verb, by=by, comment=text, at=now, data={"department": rd.department.code})
        reminders.response_done(request_department=rd, now=now)

        if answer != Answer.CONFIRMED:
            _fire(request, "return_from_confirmation")
            _log(
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
            _fire(request, "start")
            steps.start_breakdown(request=request, now=now)
            _log(request, events.STARTED, by=None, at=now)
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
        raise _deny()
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
        _log(
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
        raise _deny()
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
        _log(
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


# --- attachments and access ----------------------------------------------------------


def add_attachments(*, request, by, files) -> None:
    if not permissions.can_add_attachment(by, request):
        raise _deny()
    if not files:
        raise RequestError(gettext("Choose a file."), field="attachments")
    with transaction.atomic():
        _store_attachments(request, files, by)


def grant_access(*, request, by, user) -> None:
    """Let one more person see a confidential request (guardian per-object grant)."""
    if not permissions.can_grant_access(by, request):
        raise _deny()
    with transaction.atomic():
        assign_perm("requests_app.view_request", user, request)
        _log(request, events.ACCESS_GRANTED, by=by, data={"user": user.pk, "name": user.name})


# --- later stages (fired by the tasks and archive apps) ------------------------------


def complete_request(*, request, by=None, comment="") -> Request:
    """Every task accepted and every addressed department rated (checked by the caller).
    The lead department now drafts the completion report, within its step limit."""
    with transaction.atomic():
        now = timezone.now()
        request.step_due_at = steps.step_due(steps.REPORT_DRAFT, start=now)
        _fire(request, "complete")
        _log(request, events.COMPLETED, by=by, comment=comment)
        steps.stop_breakdown(request=request, now=now)
        steps.arm_step(request=request, step=steps.REPORT_DRAFT, start=now)
    return request


def archive_request(*, request, by=None, comment="") -> Request:
    with transaction.atomic():
        request.step_due_at = None
        _fire(request, "archive")
        _log(request, events.ARCHIVED, by=by, comment=comment)
        steps.stop_step(request=request)
    return request


def cancel_request(*, request, by, comment) -> Request:
    if not permissions.is_division_leader(by, request):
        raise _deny()
    if not (comment or "").strip():
        raise RequestError(gettext("Say why the request is cancelled."), field="comment")
    with transaction.atomic():
        _fire(request, "cancel")
        _log(request, events.CANCELLED, by=by, comment=comment)
        steps.stop_breakdown(request=request)
    return request
