"""Reminders for requests, on the notification centre's engine (collab.notify.reminders):

- `requests.response`: each addressed department answers within 24 / 48 / 72 calendar
  hours by priority (DOMAIN §2, §8); before / at the deadline to the department's
  contact person and liaison, then escalated to its head. Armed when the request
  reaches the departments, stopped by that department's answer or when the request
  leaves awaiting-confirmation.
- `requests.acknowledge`: the department's liaison (and contact person) acknowledges
  receipt within 1 working day (DOMAIN §1); escalated to its head. Armed with the
  response deadline, stopped by the acknowledgement or by any answer or question.
- `requests.clarification`: the requester answers a question within 24 h (DOMAIN §3);
  escalated to the requesting department's head. Armed when the question is asked,
  stopped by the answer or when the request leaves awaiting-confirmation. Held while
  the department waits for the requester's answer to its question and re-armed with
  the later deadline when the answer comes (the clock pauses, DOMAIN §8).

Only people who may see the request are reminded (confidential requests: the people
named on them), checked when arming and again when sending. A deadline missed by more
than 24 h is explained by its holders (the engine's "explain" stage), filed under
"request:<id>" and shown in the progress ledger."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext

from collab.notify import reminders as engine
from collab.workdays import calendar

from . import deadlines
from .models import Answer, Clarification, Priority, Request, RequestDepartment, State
from .selectors import visible_requests

RESPONSE = "requests.response"
CLARIFICATION = "requests.clarification"
ACKNOWLEDGE = "requests.acknowledge"


def _visible_ids(user, request_ids) -> set[int]:
    if user is None or not user.is_active:
        return set()
    return set(visible_requests(user).filter(pk__in=request_ids).values_list("pk", flat=True))


def _allowed(request, people) -> list:
    """Distinct, active people who may see `request`."""
    return [
        user
        for user in dict.fromkeys(p for p in people if p is not None)
        if request.pk in _visible_ids(user, [request.pk])
    ]


def _urgent(request) -> bool:
    # High priority answers within 24 calendar hours: not held back to office hours.
    return request.priority == Priority.HIGH


# --- arming and stopping (called by services, inside their transaction) -------------


def response_due(*, request, start) -> None:
    """Arm the response deadline of every department the request has just reached."""
    rds = request.departments.filter(response_due__isnull=False).select_related(
        "contact", "department__liaison", "department__head"
    )
    for rd in rds:
        engine.schedule_deadline(
            kind=RESPONSE,
            target=rd,
            due_at=rd.response_due,
            recipients=_allowed(request, [rd.contact, rd.department.liaison]),
            escalate_to=_allowed(request, [rd.department.head]),
            urgent=_urgent(request),
            start=start,
        )


def response_rearmed(*, request_department, start) -> None:
    """The department's clock runs again with a later deadline: re-arm its reminders."""
    rd = RequestDepartment.objects.select_related(
        "request", "contact", "department__liaison", "department__head"
    ).get(pk=request_department.pk)
    request = rd.request
    engine.schedule_deadline(
        kind=RESPONSE,
        target=rd,
        due_at=rd.response_due,
        recipients=_allowed(request, [rd.contact, rd.department.liaison]),
        escalate_to=_allowed(request, [rd.department.head]),
        urgent=_urgent(request),
        start=start,
    )


def response_done(*, request_department, now=None) -> None:
    engine.cancel_reminders(kind=RESPONSE, target=request_department, now=now)


def response_held(*, request_department, now=None) -> None:
    """The clock is paused: nothing is sent until it runs again (`response_rearmed`)."""
    engine.cancel_reminders(kind=RESPONSE, target=request_department, now=now)


def acknowledge_due(*, request, start, days) -> None:
    """Arm the acknowledgement deadline of every department the request has just reached."""
    rds = request.departments.filter(acknowledge_due__isnull=False).select_related(
        "contact", "department__liaison", "department__head"
    )
    # The working time allowed, so the deadline can be recomputed when a provisional
    # year's holidays are confirmed.
    hours = calendar.working_hours_for(days)
    for rd in rds:
        engine.schedule_deadline(
            kind=ACKNOWLEDGE,
            target=rd,
            due_at=rd.acknowledge_due,
            recipients=_allowed(request, [rd.department.liaison, rd.contact]),
            escalate_to=_allowed(request, [rd.department.head]),
            start=start,
            working_hours=hours,
        )


def acknowledge_done(*, request_department, now=None) -> None:
    engine.cancel_reminders(kind=ACKNOWLEDGE, target=request_department, now=now)


def clarification_due(*, clarification) -> None:
    request = clarification.request
    engine.schedule_deadline(
        kind=CLARIFICATION,
        target=clarification,
        due_at=clarification.answer_due,
        recipients=_allowed(request, [request.requester]),
        escalate_to=_allowed(request, [request.requesting_department.head]),
        urgent=_urgent(request),
        start=clarification.asked_at,
    )


def clarification_done(*, clarification, now=None) -> None:
    engine.cancel_reminders(kind=CLARIFICATION, target=clarification, now=now)


def confirmation_over(*, request, now=None) -> None:
    """The request left awaiting-confirmation (started, returned, withdrawn): no
    department owes an answer and no question is waiting any more."""
    for rd_id in RequestDepartment.objects.filter(request=request).values_list("pk", flat=True):
        engine.cancel_reminders(kind=RESPONSE, target=rd_id, now=now)
        engine.cancel_reminders(kind=ACKNOWLEDGE, target=rd_id, now=now)
    open_questions = Clarification.objects.filter(request=request, answered_at__isnull=True)
    for clarification_id in open_questions.values_list("pk", flat=True):
        engine.cancel_reminders(kind=CLARIFICATION, target=clarification_id, now=now)


# --- what the reminders say ----------------------------------------------------------


def _title(request) -> str:
    return gettext("Request %(number)s %(title)s") % {
        "number": request.number or "",
        "title": request.title,
    }


def _url(request) -> str:
    return reverse("requests:detail", args=[request.pk])


def _late_title(request, person) -> str | None:
    """What a missed deadline on `request` was about, or None when `person` may no
    longer see the request (nobody is asked then)."""
    if request is None or request.pk not in _visible_ids(person, [request.pk]):
        return None
    return _title(request)


def _visible_by_recipient(reminders, request_of) -> dict[int, set[int]]:
    """Visible request ids per recipient: one query per person, not per reminder (a
    sweep hands a handler the reminders of one person at a time)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    people = {}
    for reminder in reminders:
        request = request_of(reminder)
        if reminder.recipient_id is not None and request is not None:
            wanted[reminder.recipient_id].add(request.pk)
            people[reminder.recipient_id] = reminder.recipient
    return {pk: _visible_ids(people[pk], ids) for pk, ids in wanted.items()}


class _BatchedHandler(engine.ReminderHandler):
    """Loads the targets of a batch in one query; subclasses say what applies."""

    # The target's model (it has a `request`), read whatever the step's state: a delay
    # is explained after the step may be done.
    model: type[RequestDepartment] | type[Clarification]

    def targets(self, ids) -> dict:
        raise NotImplementedError

    def _request_for(self, target_id) -> Request | None:
        target = self.model.objects.select_related("request").filter(pk=target_id).first()
        return target.request if target is not None else None

    def ref(self, reminder):
        request = self._request_for(reminder.target_id)
        if request is None:
            return super().ref(reminder)
        return f"request:{request.pk}"

    def late_title(self, reason):
        return _late_title(self._request_for(reason.target_id), reason.person)

    def item(self, reminder, target) -> engine.ReminderItem | None:
        raise NotImplementedError

    def describe(self, reminder):
        return self.describe_all([reminder])[0]

    def describe_all(self, reminders):
        found = self.targets({r.target_id for r in reminders})

        def request_of(reminder):
            target = found.get(reminder.target_id)
            return target.request if target is not None else None

        visible = _visible_by_recipient(reminders, request_of)
        items = []
        for reminder in reminders:
            target = found.get(reminder.target_id)
            if (
                target is None
                or reminder.recipient_id is None
                or target.request.state != State.AWAITING_CONFIRMATION
                or target.request_id not in visible.get(reminder.recipient_id, ())
            ):
                items.append(None)
            else:
                items.append(self.item(reminder, target))
        return items


def _department_item(reminder, rd, *, ask: str, late: str):
    """A department's deadline: the contact and liaison are asked, its head is told
    when it is late; anyone else's reminder no longer applies."""
    department = rd.department
    if reminder.stage == engine.ESCALATE:
        if department.head_id != reminder.recipient_id:
            return None
        text = late
    else:
        if reminder.recipient_id not in (rd.contact_id, department.liaison_id):
            return None
        text = ask
    return engine.ReminderItem(
        title=_title(rd.request),
        text=text % {"department": department.name, "when": engine.default_text(reminder)},
        url=_url(rd.request) + "#departments",
    )


class ResponseHandler(_BatchedHandler):
    model = RequestDepartment

    def targets(self, ids):
        # A paused clock sends nothing (its reminders are held, this is the safety net).
        rows = RequestDepartment.objects.filter(
            pk__in=ids, answer=Answer.PENDING, clock_paused_at__isnull=True
        ).select_related("request", "department")
        return {rd.pk: rd for rd in rows}

    def item(self, reminder, rd):
        return _department_item(
            reminder,
            rd,
            ask=gettext("Confirm, ask for clarification or decline for %(department)s. %(when)s"),
            late=gettext("%(department)s has not answered this request in time. %(when)s"),
        )

    def escalate(self, reminder):
        """Nothing changes state when a department is late: its head is told by the
        escalation reminder itself, and the lateness shows on the request page."""


class AcknowledgeHandler(_BatchedHandler):
    model = RequestDepartment

    def deadline_moved(self, *, target_id, old_due, new_due):
        rd = RequestDepartment.objects.select_related("request").filter(pk=target_id).first()
        if rd is None:
            return False
        return deadlines.move(
            rd,
            "acknowledge_due",
            request=rd.request,
            old_due=old_due,
            new_due=new_due,
            label=ACKNOWLEDGE,
        )

    def targets(self, ids):
        rows = RequestDepartment.objects.filter(
            pk__in=ids, answer=Answer.PENDING, acknowledged_at__isnull=True
        ).select_related("request", "department")
        return {rd.pk: rd for rd in rows}

    def item(self, reminder, rd):
        return _department_item(
            reminder,
            rd,
            ask=gettext("Acknowledge receipt of this request for %(department)s. %(when)s"),
            late=gettext(
                "%(department)s has not acknowledged receipt of this request in time. %(when)s"
            ),
        )


class ClarificationHandler(_BatchedHandler):
    model = Clarification

    def targets(self, ids):
        rows = Clarification.objects.filter(pk__in=ids, answered_at__isnull=True).select_related(
            "request__requesting_department", "request_department__department"
        )
        return {c.pk: c for c in rows}

    def item(self, reminder, clarification):
        request: Request = clarification.request
        asking = clarification.request_department.department.name
        if reminder.stage == engine.ESCALATE:
            if request.requesting_department.head_id != reminder.recipient_id:
                return None
            text = gettext(
                "The requester has not answered the question from %(department)s in time. %(when)s"
            )
        else:
            if request.requester_id != reminder.recipient_id:
                return None
            text = gettext("Answer the question from %(department)s. %(when)s")
        return engine.ReminderItem(
            title=_title(request),
            text=text % {"department": asking, "when": engine.default_text(reminder)},
            url=_url(request) + f"#clarification-{clarification.pk}",
        )


def register() -> None:
    engine.register_handler(RESPONSE, ResponseHandler())
    engine.register_handler(CLARIFICATION, ClarificationHandler())
    engine.register_handler(ACKNOWLEDGE, AcknowledgeHandler())
