"""Grading a reported problem, and naming the owner and deadline of a major one."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions
from ..errors import IssueError
from ..models import Grade, Problem, events
from .common import log_problem
from .limits import arm_limit, default_owner, grade_limit, tell_owner
from .problems import check_allowed, department_people, fire, locked_problem, save_problem, tell


def grade_problem(*, problem, by, grade, comment="", owner=None, now=None) -> Problem:
    now = now or timezone.now()
    if grade not in Grade.values:
        raise IssueError(gettext("Choose a grade."), field="grade")
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(permissions.can_grade(by, problem), permissions.is_secretary(by), problem)
        fire(problem, "accept_grade")
        problem.grade = grade
        problem.graded_by, problem.graded_at = by, now
        problem.owner = owner or default_owner(problem, grade)
        problem.due_at = grade_limit(grade, start=now)
        save_problem(problem)
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
        arm_limit(problem, start=now)
        tell_owner(problem, event=events.PROBLEM_GRADED, template="graded_owner")
        tell(
            problem,
            [problem.reporter] + department_people(problem),
            event=events.PROBLEM_GRADED,
            template="graded",
        )
    return problem


def set_owner(*, problem, by, owner, due_at, comment="", now=None) -> Problem:
    """A major problem: the group leader names the owner and the deadline."""
    now = now or timezone.now()
    if due_at <= now:
        raise IssueError(gettext("The deadline must be in the future."), field="due_at")
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(
            permissions.can_set_owner(by, problem),
            permissions.is_major_handler(by),
            problem,
        )
        problem.owner, problem.due_at = owner, due_at
        save_problem(problem)
        log_problem(
            problem,
            events.PROBLEM_OWNER_SET,
            by=by,
            comment=comment,
            at=now,
            data={"owner": owner.username, "due_at": due_at.isoformat()},
        )
        arm_limit(problem, start=now)
        tell_owner(problem, event=events.PROBLEM_OWNER_SET, template="owner_set")
    return problem
