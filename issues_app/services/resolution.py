"""Closing a problem: the owner resolves it, the reporter confirms or reopens it, the
secretary dismisses a report that needs no handling."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify.reminders import cancel_reminders

from .. import permissions
from ..errors import IssueError
from ..models import Grade, Problem, events
from ..reminder_kinds import LIMIT_KIND, RESPONSE_KIND
from .common import log_problem
from .limits import arm_limit, grade_limit, tell_owner
from .problems import check_allowed, fire, locked_problem, save_problem, tell


def resolve_problem(*, problem, by, resolution, now=None) -> Problem:
    now = now or timezone.now()
    if not resolution.strip():
        raise IssueError(gettext("Describe the resolution."), field="resolution")
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(
            permissions.can_resolve(by, problem),
            permissions.is_owner(by, problem) or permissions.is_secretary(by),
            problem,
        )
        fire(problem, "resolve")
        problem.resolution, problem.resolved_by, problem.resolved_at = resolution, by, now
        save_problem(problem)
        log_problem(problem, events.PROBLEM_RESOLVED, by=by, comment=resolution, at=now)
        cancel_reminders(kind=LIMIT_KIND, target=problem, now=now)
        cancel_reminders(kind=RESPONSE_KIND, target=problem, now=now)
        tell(problem, [problem.reporter], event=events.PROBLEM_RESOLVED, template="resolved")
    return problem


def confirm_problem(*, problem, by, comment="", now=None) -> Problem:
    now = now or timezone.now()
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(
            permissions.can_confirm(by, problem), permissions.is_reporter(by, problem), problem
        )
        fire(problem, "confirm")
        problem.closed_by, problem.closed_at = by, now
        save_problem(problem)
        log_problem(problem, events.PROBLEM_CONFIRMED, by=by, comment=comment, at=now)
        tell(
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
        problem = locked_problem(problem)
        check_allowed(
            permissions.can_confirm(by, problem), permissions.is_reporter(by, problem), problem
        )
        fire(problem, "reopen")
        previous = problem.resolution
        problem.resolution, problem.resolved_by, problem.resolved_at = "", None, None
        if problem.grade == Grade.MAJOR:
            problem.due_at = problem.due_at if problem.due_at and problem.due_at > now else None
        else:
            problem.due_at = grade_limit(problem.grade, start=now)
        save_problem(problem)
        log_problem(
            problem,
            events.PROBLEM_REOPENED,
            by=by,
            comment=reason,
            at=now,
            data={"previous_resolution": previous},
        )
        arm_limit(problem, start=now)
        tell_owner(problem, event=events.PROBLEM_REOPENED, template="reopened", reason=reason)
    return problem


def dismiss_problem(*, problem, by, reason, now=None) -> Problem:
    """The secretary closes a report that needs no handling (e.g. a duplicate), with the
    reason recorded as its resolution: nothing leaves the ledger unexplained."""
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Say why the problem is closed."), field="comment")
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(permissions.can_dismiss(by, problem), permissions.is_secretary(by), problem)
        fire(problem, "dismiss")
        problem.resolution, problem.resolved_by, problem.resolved_at = reason, by, now
        problem.closed_by, problem.closed_at = by, now
        save_problem(problem)
        log_problem(problem, events.PROBLEM_DISMISSED, by=by, comment=reason, at=now)
        cancel_reminders(kind=LIMIT_KIND, target=problem, now=now)
        cancel_reminders(kind=RESPONSE_KIND, target=problem, now=now)
        tell(problem, [problem.reporter], event=events.PROBLEM_DISMISSED, template="dismissed")
    return problem
