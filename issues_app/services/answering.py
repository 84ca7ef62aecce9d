"""Answering a problem: the departments concerned respond, proposals and decisions are
recorded."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify.reminders import cancel_reminders

from .. import permissions
from ..errors import IssueError
from ..models import EntryKind, Grade, ProblemDepartment, ProblemEntry, events
from ..reminder_kinds import LIMIT_KIND, RESPONSE_KIND
from .common import log_problem
from .problems import check_allowed, locked_problem, tell


def respond(*, problem, department, by, text, now=None) -> ProblemEntry:
    """A department concerned answers. For a general problem the answers of all the
    departments concerned are the step its limit asks for."""
    now = now or timezone.now()
    if not text.strip():
        raise IssueError(gettext("Write the response."), field="text")
    with transaction.atomic():
        problem = locked_problem(problem)
        pd = ProblemDepartment.objects.filter(problem=problem, department=department).first()
        if pd is None:
            raise IssueError(gettext("This department is not concerned by the problem."))
        check_allowed(
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
        tell(
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
        problem = locked_problem(problem)
        check_allowed(
            permissions.can_add_entry(by, problem), permissions.can_act_role(by, problem), problem
        )
        entry = ProblemEntry.objects.create(
            problem=problem, kind=kind, text=text, author=by, at=now
        )
        verb = events.PROBLEM_PROPOSAL if kind == EntryKind.PROPOSAL else events.PROBLEM_DECISION
        log_problem(problem, verb, by=by, comment=text, at=now)
        tell(
            problem,
            [problem.owner, problem.reporter],
            event=verb,
            template="entry",
            kind=EntryKind(kind).label,
        )
    return entry
