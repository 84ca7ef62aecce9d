"""Filing a request: the draft is created and edited, then submitted for review."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.core import workflow

from .. import permissions, steps
from ..dates import request_date_problems
from ..errors import RequestError
from ..models import Milestone, Request, RequestDepartment, RequestType, State, events
from ..notifications import queue_notification
from ..numbering import draw_number
from .common import deny, fire, log_event, stale_error, store_attachments

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
        store_attachments(request, files, by)
        log_event(
            request, events.CREATED, by=by, data=_late_record(fields, recorded_late=recorded_late)
        )
    return request


def update_request(
    *, request, by, fields, departments, milestones=(), files=(), recorded_late=False
) -> Request:
    if not permissions.is_requester(by, request):
        raise deny()
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
        store_attachments(request, files, by)
        log_event(
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
        raise deny()
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
        fire(request, "submit" if first else "resubmit")
        steps.arm_step(request=request, step=steps.HEAD_REVIEW, start=now)
        log_event(
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
