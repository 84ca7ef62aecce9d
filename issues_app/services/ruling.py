"""Disagreement: a problem is referred to the requesting division's leader, whose
ruling is recorded as a decision."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions
from ..errors import IssueError
from ..models import EntryKind, Problem, ProblemEntry, events
from .common import log_problem
from .problems import check_allowed, department_people, locked_problem, save_problem, tell


def refer_to_leader(*, problem, by, reason, now=None) -> Problem:
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Describe the disagreement."), field="comment")
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(
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
        save_problem(problem)
        log_problem(
            problem,
            events.PROBLEM_REFERRED,
            by=by,
            comment=reason,
            at=now,
            data={"leader": leader.username},
        )
        tell(problem, [leader], event=events.PROBLEM_REFERRED, template="referred", reason=reason)
    return problem


def record_ruling(*, problem, by, ruling, now=None) -> Problem:
    now = now or timezone.now()
    if not ruling.strip():
        raise IssueError(gettext("Write the ruling."), field="comment")
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(permissions.can_rule(by, problem), problem.referred_to_id == by.pk, problem)
        problem.ruling, problem.ruled_at = ruling, now
        save_problem(problem)
        ProblemEntry.objects.create(
            problem=problem, kind=EntryKind.DECISION, text=ruling, author=by, at=now
        )
        log_problem(problem, events.PROBLEM_RULED, by=by, comment=ruling, at=now)
        tell(
            problem,
            [problem.owner, problem.reporter] + department_people(problem),
            event=events.PROBLEM_RULED,
            template="ruled",
        )
    return problem
