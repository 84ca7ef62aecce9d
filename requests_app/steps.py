"""Due times of the approval steps and of the task breakdown (DOMAIN §8: "each approval
step has a due time, default 1 working day"), with their reminders on the notification
centre's engine. The limits are working days in `ApprovalRules` (editable in the admin).

`Request.step_due_at` is the due time of the step the request waits on; it is set when
the step starts and cleared when the request leaves it:

- `requests.step`, 初审 (head_review): held by the requesting department's head,
  escalated to its division leader. 复审 (leader_review): held by the division leader,
  escalated to the coordination group leaders (they handle what leaders cannot settle),
  or to the executive secretaries when no group leader may see the request.
- `requests.report_draft`: after completion the lead department (the first addressed)
  drafts the completion report; its contact person and liaison hold the step, escalated
  to its head. Re-armed when the requesting head sends the report back.
- `requests.report_approval`: the requesting head approves the submitted report,
  escalated to the division leader. Stopped by the approval (the request is archived).

`RequestDepartment.breakdown_due`: when the request goes in progress, each addressed
department's head breaks it into tasks (`requests.breakdown`, escalated to that
department's division leader); the department's first task stops it (tasks_app).

Only people who may see the request are reminded, checked when arming and sending.
A missed step more than 24 h late is explained by its holders (the engine's "explain"
stage), filed under "request:<id>" and shown in the progress ledger."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify import reminders as engine
from collab.workdays import calendar

from . import deadlines
from .models import ApprovalRules, Request, RequestDepartment, State
from .reminders import _allowed, _late_title, _title, _url, _visible_ids

HEAD_REVIEW = "head_review"
LEADER_REVIEW = "leader_review"
REPORT_DRAFT = "report_draft"
REPORT_APPROVAL = "report_approval"

STEP = "requests.step"
REPORT_DRAFT_KIND = "requests.report_draft"
REPORT_APPROVAL_KIND = "requests.report_approval"
BREAKDOWN = "requests.breakdown"

KINDS = {
    HEAD_REVIEW: STEP,
    LEADER_REVIEW: STEP,
    REPORT_DRAFT: REPORT_DRAFT_KIND,
    REPORT_APPROVAL: REPORT_APPROVAL_KIND,
}
STEP_KINDS = (STEP, REPORT_DRAFT_KIND, REPORT_APPROVAL_KIND)
DAYS = {
    HEAD_REVIEW: "head_review_days",
    LEADER_REVIEW: "leader_review_days",
    REPORT_DRAFT: "report_draft_days",
    REPORT_APPROVAL: "report_approval_days",
}
# The request states each step kind belongs to: a reminder of another state is stale.
KIND_STATES = {
    STEP: (State.HEAD_REVIEW, State.LEADER_REVIEW),
    REPORT_DRAFT_KIND: (State.COMPLETED,),
    REPORT_APPROVAL_KIND: (State.COMPLETED,),
}


def _limit(days: int, start):
    """The due time `days` working days after `start`, and the office time it allows
    (kept by the reminders so a provisional year's deadline can be recomputed)."""
    return calendar.add_working_days(start, days), calendar.working_hours_for(days)


def step_due(step: str, *, start):
    """When `step`, starting at `start`, is due under the current rules."""
    return _limit(getattr(ApprovalRules.current(), DAYS[step]), start)[0]


def lead_department(request) -> RequestDepartment | None:
    """The lead department: the first department addressed on the form."""
    return (
        RequestDepartment.objects.filter(request=request)
        .select_related("contact", "department__liaison", "department__head")
        .order_by("pk")
        .first()
    )


def _people(step: str, request) -> tuple[list, list]:
    """(holders, escalation) of `step` of `request`, before the visibility filter."""
    department = request.requesting_department
    if step == HEAD_REVIEW:
        return [department.head], [department.leader]
    if step == LEADER_REVIEW:
        users = get_user_model().objects.filter(is_active=True)
        group_leaders = _allowed(request, users.filter(is_group_leader=True).order_by("pk"))
        secretaries = users.filter(is_secretary=True).order_by("pk")
        return [department.leader], group_leaders or list(secretaries)
    if step == REPORT_DRAFT:
        lead = lead_department(request)
        if lead is None:
            return [], []
        return [lead.contact, lead.department.liaison], [lead.department.head]
    return [department.head], [department.leader]


# --- arming and stopping (called by services, inside their transaction) -------------


def arm_step(*, request, step: str, start) -> None:
    """The request now waits on `step` (its `step_due_at` already set): arm the
    reminders; those of the previous step stop."""
    stop_step(request=request, now=start)
    rules = ApprovalRules.current()
    due, hours = _limit(getattr(rules, DAYS[step]), start)
    holders, bosses = _people(step, request)
    engine.schedule_deadline(
        kind=KINDS[step],
        target=request,
        due_at=request.step_due_at or due,
        recipients=_allowed(request, holders),
        escalate_to=_allowed(request, bosses),
        start=start,
        working_hours=hours,
    )


def stop_step(*, request, now=None) -> None:
    for kind in STEP_KINDS:
        engine.cancel_reminders(kind=kind, target=request, now=now)


def start_breakdown(*, request, now) -> None:
    """The request is in progress: every addressed department's head breaks it down."""
    due, hours = _limit(ApprovalRules.current().breakdown_days, now)
    rds = request.departments.select_related("department__head", "department__leader")
    for rd in rds:
        rd.breakdown_due = due
        rd.save()  # one by one, so each reaches the history
        engine.schedule_deadline(
            kind=BREAKDOWN,
            target=rd,
            due_at=due,
            recipients=_allowed(request, [rd.department.head]),
            escalate_to=_allowed(request, [rd.department.leader]),
            start=now,
            working_hours=hours,
        )


def breakdown_done(*, request_department, now=None) -> None:
    """The department has its first task: the breakdown step is over."""
    rd = RequestDepartment.objects.select_for_update().get(pk=request_department.pk)
    if rd.breakdown_due is not None:
        rd.breakdown_due = None
        rd.save()
    engine.cancel_reminders(kind=BREAKDOWN, target=rd, now=now)


def stop_breakdown(*, request, now=None) -> None:
    """The request left in-progress (cancelled, completed): no breakdown is owed."""
    for rd in request.departments.filter(breakdown_due__isnull=False):
        rd.breakdown_due = None
        rd.save()
    for rd_id in request.departments.values_list("pk", flat=True):
        engine.cancel_reminders(kind=BREAKDOWN, target=rd_id, now=now)


def report_step(*, request, step: str, now=None) -> Request:
    """The completion report now waits on drafting or on approval (archive_app): set
    the request's step due time and arm its reminders."""
    now = now or timezone.now()
    request = Request.objects.select_for_update().get(pk=request.pk)
    request.step_due_at = step_due(step, start=now)
    request.save()
    arm_step(request=request, step=step, start=now)
    return request


# --- what the reminders say ----------------------------------------------------------


STEP_TEXTS = {
    State.HEAD_REVIEW: (
        lambda: gettext("Review this request (level 1). %(when)s"),
        lambda: gettext("The level-1 review of this request is late. %(when)s"),
    ),
    State.LEADER_REVIEW: (
        lambda: gettext("Review this request (level 2). %(when)s"),
        lambda: gettext("The level-2 review of this request is late. %(when)s"),
    ),
    REPORT_DRAFT_KIND: (
        lambda: gettext("Draft the completion report. %(when)s"),
        lambda: gettext("The completion report of this request is not drafted in time. %(when)s"),
    ),
    REPORT_APPROVAL_KIND: (
        lambda: gettext("Approve the completion report or send it back. %(when)s"),
        lambda: gettext("The completion report of this request is not approved in time. %(when)s"),
    ),
}


class _RequestDeadlineHandler(engine.ReminderHandler):
    """Targets are loaded in one query and checked against the deadline that stands."""

    def load(self, ids) -> dict:
        raise NotImplementedError

    def request_of(self, target):
        raise NotImplementedError

    def current_due(self, target):
        raise NotImplementedError

    def text(self, reminder, target) -> str:
        raise NotImplementedError

    def url(self, target) -> str:
        return _url(self.request_of(target))

    def describe(self, reminder):
        return self.describe_all([reminder])[0]

    def describe_all(self, reminders):
        found = self.load({r.target_id for r in reminders})
        wanted: dict[int, set[int]] = {}
        people = {}
        for reminder in reminders:
            target = found.get(reminder.target_id)
            if target is not None and reminder.recipient_id is not None:
                wanted.setdefault(reminder.recipient_id, set()).add(self.request_of(target).pk)
                people[reminder.recipient_id] = reminder.recipient
        visible = {pk: _visible_ids(people[pk], ids) for pk, ids in wanted.items()}
        items = []
        for reminder in reminders:
            target = found.get(reminder.target_id)
            if (
                target is None
                or reminder.recipient_id is None
                or self.current_due(target) != reminder.due_at
                or self.request_of(target).pk not in visible.get(reminder.recipient_id, ())
            ):
                items.append(None)
                continue
            items.append(
                engine.ReminderItem(
                    title=_title(self.request_of(target)),
                    text=self.text(reminder, target),
                    url=self.url(target),
                )
            )
        return items

    def ref(self, reminder):
        target = self.load({reminder.target_id}).get(reminder.target_id)
        if target is None:
            return super().ref(reminder)
        return f"request:{self.request_of(target).pk}"

    def late_title(self, reason):
        target = self.load({reason.target_id}).get(reason.target_id)
        return _late_title(self.request_of(target) if target else None, reason.person)


class StepHandler(_RequestDeadlineHandler):
    def __init__(self, kind: str):
        self.kind = kind

    def load(self, ids):
        return {r.pk: r for r in Request.objects.filter(pk__in=ids)}

    def request_of(self, target):
        return target

    def current_due(self, request):
        if request.state not in KIND_STATES[self.kind]:
            return None
        return request.step_due_at

    def text(self, reminder, request):
        key = self.kind if self.kind != STEP else request.state
        ask, late = STEP_TEXTS[key]
        template = late() if reminder.stage == engine.ESCALATE else ask()
        return template % {"when": engine.default_text(reminder)}

    def url(self, request):
        if self.kind == STEP:
            return _url(request)
        return reverse("archive:report", args=[request.pk])

    def deadline_moved(self, *, target_id, old_due, new_due):
        request = Request.objects.filter(pk=target_id).first()
        if request is None:
            return False
        return deadlines.move(
            request,
            "step_due_at",
            request=request,
            old_due=old_due,
            new_due=new_due,
            label=self.kind,
        )


class BreakdownHandler(_RequestDeadlineHandler):
    def load(self, ids):
        rows = RequestDepartment.objects.filter(pk__in=ids).select_related("request", "department")
        return {rd.pk: rd for rd in rows}

    def request_of(self, rd):
        return rd.request

    def current_due(self, rd):
        if rd.request.state != State.IN_PROGRESS:
            return None
        return rd.breakdown_due

    def text(self, reminder, rd):
        if reminder.stage == engine.ESCALATE:
            template = gettext(
                "%(department)s has not broken this request down into tasks in time. %(when)s"
            )
        else:
            template = gettext("Break this request down into tasks for %(department)s. %(when)s")
        return template % {
            "department": rd.department.name,
            "when": engine.default_text(reminder),
        }

    def url(self, rd):
        return _url(rd.request) + "#departments"

    def deadline_moved(self, *, target_id, old_due, new_due):
        rd = RequestDepartment.objects.select_related("request").filter(pk=target_id).first()
        if rd is None:
            return False
        return deadlines.move(
            rd,
            "breakdown_due",
            request=rd.request,
            old_due=old_due,
            new_due=new_due,
            label=BREAKDOWN,
        )


def register() -> None:
    for kind in STEP_KINDS:
        engine.register_handler(kind, StepHandler(kind))
    engine.register_handler(BREAKDOWN, BreakdownHandler())
