"""Every write to a problem: one function per use case, one transaction each,
notifications after commit (DOMAIN §5)."""

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collab.notify.reminders import cancel_reminders, schedule_deadline
from collab.workdays import calendar
from requests_app.models import Request
from requests_app.selectors import visible_requests

from .. import permissions
from ..errors import IssueError
from ..models import (
    EntryKind,
    Grade,
    Problem,
    ProblemAttachment,
    ProblemDepartment,
    ProblemEntry,
    ProblemEvent,
    ProblemState,
    events,
)
from ..models.choices import GRADE_WORKING_DAYS, NEXT_GRADE, RESPONSE_WORKING_DAYS
from ..reminders import LIMIT_KIND, RESPONSE_KIND
from .common import (
    add_working_days,
    deny,
    log_problem,
    queue_notification,
    secretaries,
    validate_attachment,
)

QUIET_VERBS = [events.PROBLEM_ATTACHMENT, events.PROBLEM_ON_AGENDA]


def problem_url(problem) -> str:
    return reverse("issues:problem", args=[problem.pk])


def stale_error(problem) -> IssueError:
    """Explain a click that came too late: who changed the problem, and when."""
    fresh = Problem.objects.get(pk=problem.pk)
    last = (
        ProblemEvent.objects.filter(problem_id=problem.pk)
        .exclude(verb__in=QUIET_VERBS)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    state = fresh.get_state_display()
    if last is None:
        return IssueError(
            gettext("This problem has changed in the meantime; it is now “%(state)s”.")
            % {"state": state}
        )
    return IssueError(
        gettext(
            "This problem has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        )
        % {
            "who": last.actor.name if last.actor else gettext("the system"),
            "what": last.label,
            "when": date_format(timezone.localtime(last.at), "Y-m-d H:i"),
            "state": state,
        }
    )


def _locked(problem) -> Problem:
    """The problem re-read under a row lock: decisions are taken on what is stored."""
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("request__requesting_department", "owner", "reporter")
        .get(pk=problem.pk)
    )


def _check(allowed: bool, role: bool, problem) -> None:
    if not allowed:
        raise stale_error(problem) if role else deny()


def _fire(problem, method_name: str) -> None:
    try:
        getattr(problem, method_name)()
    except TransitionNotAllowed:
        raise stale_error(problem) from None


def _save(problem) -> None:
    try:
        problem.save()
    except ConcurrentTransition:
        raise stale_error(problem) from None


def _context(problem, **extra) -> dict:
    return {
        "number": problem.number,
        "title": problem.title,
        # Lazy labels: rendered in each recipient's language by notify().
        "grade": Grade(problem.grade).label if problem.grade else "",
        "state": ProblemState(problem.state).label,
        **extra,
    }


def _tell(problem, recipients, *, event, template, **extra) -> None:
    queue_notification(
        recipients=recipients,
        event=event,
        template=f"issues_app/notify/{template}",
        context=_context(problem, **extra),
        url=problem_url(problem),
        problem_id=problem.pk,
    )


def _department_people(problem, *, unanswered_only=False) -> list:
    rows = problem.departments.select_related("department__head", "department__liaison")
    if unanswered_only:
        rows = rows.filter(responded_at__isnull=True)
    people = []
    for pd in rows:
        people += [pd.department.head, pd.department.liaison]
    return [p for p in people if p is not None]


# --- reporting -----------------------------------------------------------------------------


def report_problem(
    *,
    by,
    request,
    title,
    description,
    category,
    impact,
    departments,
    files=(),
    task=None,
    now=None,
) -> Problem:
    """File a problem report against a request (or one of its tasks); it goes to the
    executive secretary for grading and to the departments concerned for a response."""
    now = now or timezone.now()
    if not visible_requests(by).filter(pk=request.pk).exists():
        raise deny()
    if not permissions.can_report(by, request):
        raise IssueError(
            gettext(
                "Problems can be reported while a request awaits confirmation or is in progress."
            )
        )
    if task is not None and task.request_id != request.pk:
        raise IssueError(gettext("The task does not belong to this request."), field="task")
    departments = list(dict.fromkeys(departments))
    if not departments:
        raise IssueError(gettext("Choose at least one department concerned."), field="departments")
    inactive = [d.code for d in departments if not d.is_active]
    if inactive:
        raise IssueError(
            gettext("%(codes)s no longer exists.") % {"codes": ", ".join(inactive)},
            field="departments",
        )
    for upload in files:
        validate_attachment(upload)
    response_due = add_working_days(now, RESPONSE_WORKING_DAYS)
    with transaction.atomic():
        # The request row lock serialises serial numbers per request.
        Request.objects.select_for_update().filter(pk=request.pk).first()
        last = Problem.objects.filter(request=request).aggregate(m=Max("seq"))["m"] or 0
        fields = {
            "request": request,
            "seq": last + 1,
            "title": title,
            "description": description,
            "category": category,
            "impact": impact,
            "reporter": by,
            "reporting_department": by.department,
            "reported_at": now,
            "response_due": response_due,
        }
        if task is not None:
            fields["task"] = task
        problem = Problem.objects.create(**fields)
        ProblemDepartment.objects.bulk_create(
            [ProblemDepartment(problem=problem, department=d) for d in departments]
        )
        _store_attachments(problem, files, by=by, at=now)
        log_problem(
            problem,
            events.PROBLEM_REPORTED,
            by=by,
            at=now,
            data={
                "departments": [d.code for d in departments],
                "category": category,
                "task": getattr(task, "number", None),
            },
        )
        people = _department_people(problem)
        schedule_deadline(
            kind=RESPONSE_KIND,
            target=problem,
            due_at=response_due,
            recipients=people,
            escalate_to=secretaries(),
            start=now,
            working_hours=calendar.working_hours_for(RESPONSE_WORKING_DAYS),
        )
        _tell(problem, secretaries(), event=events.PROBLEM_REPORTED, template="reported_grade")
        if request.is_confidential and not any(
            visible_requests(s).filter(pk=request.pk).exists() for s in secretaries()
        ):
            # Need-to-know stays with the request: whoever may share it is asked to.
            _tell(
                problem,
                [request.requester, request.requesting_department.head],
                event="issues.problem.needs_secretary",
                template="needs_secretary",
            )
        _tell(
            problem,
            people,
            event=events.PROBLEM_REPORTED,
            template="reported_respond",
            due=response_due,
        )
    return problem


def _store_attachments(problem, files, *, by, at) -> None:
    for upload in files:
        ProblemAttachment.objects.create(
            problem=problem,
            file=upload,
            original_name=upload.name[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=by,
            uploaded_at=at,
        )


def add_attachments(*, problem, by, files, now=None) -> None:
    now = now or timezone.now()
    for upload in files:
        validate_attachment(upload)
    with transaction.atomic():
        problem = _locked(problem)
        _check(permissions.can_add_attachment(by, problem), False, problem)
        _store_attachments(problem, files, by=by, at=now)
        log_problem(
            problem,
            events.PROBLEM_ATTACHMENT,
            by=by,
            at=now,
            data={"files": [f.name for f in files]},
        )


# --- grading, owners and limits ------------------------------------------------------------


def default_owner(problem, grade):
    """Who must act at each grade (DOMAIN §5): the lead department's head settles a
    general problem with the collaborators, the secretary convenes the coordination
    meeting for an important one, the coordination group leader takes a major one."""
    if grade == Grade.GENERAL:
        return problem.request.requesting_department.head
    if grade == Grade.IMPORTANT:
        current = problem.owner
        if current is not None and current.is_secretary and current.is_active:
            return current
        found = secretaries()
        return found[0] if found else None
    return permissions.major_handler_for(problem)


def _limit(grade, *, start):
    days = GRADE_WORKING_DAYS.get(grade)
    return add_working_days(start, days) if days is not None else None


def _arm_limit(problem, *, start) -> None:
    """(Re-)arm the reminders and the automatic escalation for the current limit."""
    cancel_reminders(kind=LIMIT_KIND, target=problem, now=start)
    if problem.state != ProblemState.OPEN or problem.due_at is None:
        return
    recipients = [problem.owner]
    if problem.grade == Grade.GENERAL:
        recipients += _department_people(problem, unanswered_only=True)
    schedule_deadline(
        kind=LIMIT_KIND,
        target=problem,
        due_at=problem.due_at,
        recipients=recipients,
        escalate_to=secretaries() if problem.grade == Grade.MAJOR else (),
        start=start,
        working_hours=_limit_hours(problem, start=start),
    )


def _limit_hours(problem, *, start) -> float | None:
    """The working time of the grade's limit when the deadline is that limit (not a
    date the group leader set by hand): what a confirmed calendar recomputes."""
    days = GRADE_WORKING_DAYS.get(problem.grade)
    if days is None or problem.due_at != _limit(problem.grade, start=start):
        return None
    return calendar.working_hours_for(days)


def grade_problem(*, problem, by, grade, comment="", owner=None, now=None) -> Problem:
    now = now or timezone.now()
    if grade not in Grade.values:
        raise IssueError(gettext("Choose a grade."), field="grade")
    with transaction.atomic():
        problem = _locked(problem)
        _check(permissions.can_grade(by, problem), permissions.is_secretary(by), problem)
        _fire(problem, "accept_grade")
        problem.grade = grade
        problem.graded_by, problem.graded_at = by, now
        problem.owner = owner or default_owner(problem, grade)
        problem.due_at = _limit(grade, start=now)
        _save(problem)
        log_problem(
            problem,
            events.PROBLEM_GRADED,
            by=by,
            comment=comment,
            at=now,
            data={
                "grade": grade,
                "owner": problem.owner.username if problem.owner else None,
                "due_at": problem.due_at.isoformat() if problem.due_at else None,
            },
        )
        _arm_limit(problem, start=now)
        _tell_owner(problem, event=events.PROBLEM_GRADED, template="graded_owner")
        _tell(
            problem,
            [problem.reporter] + _department_people(problem),
            event=events.PROBLEM_GRADED,
            template="graded",
        )
    return problem


def _tell_owner(problem, *, event, template, **extra) -> None:
    if problem.owner is not None:
        _tell(problem, [problem.owner], event=event, template=template, due=problem.due_at, **extra)


def set_owner(*, problem, by, owner, due_at, comment="", now=None) -> Problem:
    """A major problem: the group leader names the owner and the deadline."""
    now = now or timezone.now()
    if due_at <= now:
        raise IssueError(gettext("The deadline must be in the future."), field="due_at")
    with transaction.atomic():
        problem = _locked(problem)
        _check(
            permissions.can_set_owner(by, problem),
            permissions.is_major_handler(by),
            problem,
        )
        problem.owner, problem.due_at = owner, due_at
        _save(problem)
        log_problem(
            problem,
            events.PROBLEM_OWNER_SET,
            by=by,
            comment=comment,
            at=now,
            data={"owner": owner.username, "due_at": due_at.isoformat()},
        )
        _arm_limit(problem, start=now)
        _tell_owner(problem, event=events.PROBLEM_OWNER_SET, template="owner_set")
    return problem


# --- answering and resolving ---------------------------------------------------------------


def respond(*, problem, department, by, text, now=None) -> ProblemEntry:
    """A department concerned answers. For a general problem the answers of all the
    departments concerned are the step its limit asks for."""
    now = now or timezone.now()
    if not text.strip():
        raise IssueError(gettext("Write the response."), field="text")
    with transaction.atomic():
        problem = _locked(problem)
        pd = ProblemDepartment.objects.filter(problem=problem, department=department).first()
        if pd is None:
            raise IssueError(gettext("This department is not concerned by the problem."))
        _check(
            permissions.can_respond(by, problem, pd),
            permissions.may_answer_for(by, pd),
            problem,
        )
        entry = ProblemEntry.objects.create(
            problem=problem,
            kind=EntryKind.RESPONSE,
            department=department,
            text=text,
            author=by,
            at=now,
        )
        first = pd.responded_at is None
        if first:
            pd.responded_at, pd.responded_by = now, by
            pd.save()
        log_problem(
            problem,
            events.PROBLEM_RESPONDED,
            by=by,
            comment=text,
            at=now,
            data={"department": department.code, "on_time": now <= problem.response_due},
        )
        if not problem.departments.filter(responded_at__isnull=True).exists():
            cancel_reminders(kind=RESPONSE_KIND, target=problem, now=now)
            if problem.grade == Grade.GENERAL:
                cancel_reminders(kind=LIMIT_KIND, target=problem, now=now)
        _tell(
            problem,
            [problem.owner, problem.reporter],
            event=events.PROBLEM_RESPONDED,
            template="responded",
            department=department.code,
        )
    return entry


def add_entry(*, problem, by, kind, text, now=None) -> ProblemEntry:
    """Record a proposal or a decision."""
    now = now or timezone.now()
    if kind not in (EntryKind.PROPOSAL, EntryKind.DECISION):
        raise IssueError(gettext("Choose proposal or decision."), field="kind")
    if not text.strip():
        raise IssueError(gettext("Write the text."), field="text")
    with transaction.atomic():
        problem = _locked(problem)
        _check(
            permissions.can_add_entry(by, problem), permissions.can_act_role(by, problem), problem
        )
        entry = ProblemEntry.objects.create(
            problem=problem, kind=kind, text=text, author=by, at=now
        )
        verb = events.PROBLEM_PROPOSAL if kind == EntryKind.PROPOSAL else events.PROBLEM_DECISION
        log_problem(problem, verb, by=by, comment=text, at=now)
        _tell(
            problem,
            [problem.owner, problem.reporter],
            event=verb,
            template="entry",
            kind=EntryKind(kind).label,
        )
    return entry


def resolve_problem(*, problem, by, resolution, now=None) -> Problem:
    now = now or timezone.now()
    if not resolution.strip():
        raise IssueError(gettext("Describe the resolution."), field="resolution")
    with transaction.atomic():
        problem = _locked(problem)
        _check(
            permissions.can_resolve(by, problem),
            permissions.is_owner(by, problem) or permissions.is_secretary(by),
            problem,
        )
        _fire(problem, "resolve")
        problem.resolution, problem.resolved_by, problem.resolved_at = resolution, by, now
        _save(problem)
        log_problem(problem, events.PROBLEM_RESOLVED, by=by, comment=resolution, at=now)
        cancel_reminders(kind=LIMIT_KIND, target=problem, now=now)
        cancel_reminders(kind=RESPONSE_KIND, target=problem, now=now)
        _tell(problem, [problem.reporter], event=events.PROBLEM_RESOLVED, template="resolved")
    return problem


def confirm_problem(*, problem, by, comment="", now=None) -> Problem:
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        _check(permissions.can_confirm(by, problem), permissions.is_reporter(by, problem), problem)
        _fire(problem, "confirm")
        problem.closed_by, problem.closed_at = by, now
        _save(problem)
        log_problem(problem, events.PROBLEM_CONFIRMED, by=by, comment=comment, at=now)
        _tell(
            problem,
            [problem.owner, problem.resolved_by],
            event=events.PROBLEM_CONFIRMED,
            template="confirmed",
        )
    return problem


def reopen_problem(*, problem, by, reason, now=None) -> Problem:
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Say why the problem is not resolved."), field="comment")
    with transaction.atomic():
        problem = _locked(problem)
        _check(permissions.can_confirm(by, problem), permissions.is_reporter(by, problem), problem)
        _fire(problem, "reopen")
        previous = problem.resolution
        problem.resolution, problem.resolved_by, problem.resolved_at = "", None, None
        if problem.grade == Grade.MAJOR:
            problem.due_at = problem.due_at if problem.due_at and problem.due_at > now else None
        else:
            problem.due_at = _limit(problem.grade, start=now)
        _save(problem)
        log_problem(
            problem,
            events.PROBLEM_REOPENED,
            by=by,
            comment=reason,
            at=now,
            data={"previous_resolution": previous},
        )
        _arm_limit(problem, start=now)
        _tell_owner(problem, event=events.PROBLEM_REOPENED, template="reopened", reason=reason)
    return problem


def dismiss_problem(*, problem, by, reason, now=None) -> Problem:
    """The secretary closes a report that needs no handling (e.g. a duplicate), with the
    reason recorded as its resolution: nothing leaves the ledger unexplained."""
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Say why the problem is closed."), field="comment")
    with transaction.atomic():
        problem = _locked(problem)
        _check(permissions.can_dismiss(by, problem), permissions.is_secretary(by), problem)
        _fire(problem, "dismiss")
        problem.resolution, problem.resolved_by, problem.resolved_at = reason, by, now
        problem.closed_by, problem.closed_at = by, now
        _save(problem)
        log_problem(problem, events.PROBLEM_DISMISSED, by=by, comment=reason, at=now)
        cancel_reminders(kind=LIMIT_KIND, target=problem, now=now)
        cancel_reminders(kind=RESPONSE_KIND, target=problem, now=now)
        _tell(problem, [problem.reporter], event=events.PROBLEM_DISMISSED, template="dismissed")
    return problem


# --- disagreement: the division leader's ruling ----------------------------------------------


def refer_to_leader(*, problem, by, reason, now=None) -> Problem:
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Describe the disagreement."), field="comment")
    with transaction.atomic():
        problem = _locked(problem)
        _check(
            permissions.can_refer(by, problem),
            permissions.is_concerned_head(by, problem) or permissions.is_secretary(by),
            problem,
        )
        leader = problem.request.requesting_department.leader
        if leader is None or not leader.is_active:
            raise IssueError(
                gettext("The requesting department has no division leader to rule on this.")
            )
        problem.referred_to, problem.referred_at = leader, now
        problem.referral_reason, problem.ruling, problem.ruled_at = reason, "", None
        _save(problem)
        log_problem(
            problem,
            events.PROBLEM_REFERRED,
            by=by,
            comment=reason,
            at=now,
            data={"leader": leader.username},
        )
        _tell(problem, [leader], event=events.PROBLEM_REFERRED, template="referred", reason=reason)
    return problem


def record_ruling(*, problem, by, ruling, now=None) -> Problem:
    now = now or timezone.now()
    if not ruling.strip():
        raise IssueError(gettext("Write the ruling."), field="comment")
    with transaction.atomic():
        problem = _locked(problem)
        _check(permissions.can_rule(by, problem), problem.referred_to_id == by.pk, problem)
        problem.ruling, problem.ruled_at = ruling, now
        _save(problem)
        ProblemEntry.objects.create(
            problem=problem, kind=EntryKind.DECISION, text=ruling, author=by, at=now
        )
        log_problem(problem, events.PROBLEM_RULED, by=by, comment=ruling, at=now)
        _tell(
            problem,
            [problem.owner, problem.reporter] + _department_people(problem),
            event=events.PROBLEM_RULED,
            template="ruled",
        )
    return problem


# --- escalation ----------------------------------------------------------------------------


def _raise_grade(problem, *, by, reason, automatic, now) -> Problem:
    old_grade, old_owner = problem.grade, problem.owner
    new_grade = NEXT_GRADE[old_grade]
    problem.grade = new_grade
    problem.owner = default_owner(problem, new_grade) or old_owner
    problem.due_at = _limit(new_grade, start=now)
    problem.escalated_at = now
    _save(problem)
    log_problem(
        problem,
        events.PROBLEM_ESCALATED,
        by=by,
        comment=reason,
        at=now,
        data={
            "from": old_grade,
            "to": new_grade,
            "automatic": automatic,
            "owner": problem.owner.username if problem.owner else None,
        },
    )
    _arm_limit(problem, start=now)
    _tell_owner(problem, event=events.PROBLEM_ESCALATED, template="escalated_owner", reason=reason)
    _tell(
        problem,
        [old_owner, problem.reporter],
        event=events.PROBLEM_ESCALATED,
        template="escalated",
        reason=reason,
    )
    return problem


def escalate_problem(*, problem, by, reason, now=None) -> Problem:
    """A department head moves a problem up one grade by hand, with a reason."""
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Give the reason for escalating."), field="comment")
    with transaction.atomic():
        problem = _locked(problem)
        _check(
            permissions.can_escalate(by, problem),
            permissions.is_concerned_head(by, problem),
            problem,
        )
        return _raise_grade(problem, by=by, reason=reason, automatic=False, now=now)
