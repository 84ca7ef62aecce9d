"""Escalation (DOMAIN §5): a problem moves up one grade — general → important → major —
and the new owner is told. A department head escalates by hand, with a reason; and a
problem whose limit passes without the step its grade requires escalates automatically,
driven by the reminder engine's escalation action and by a sweep; both are idempotent
because the decision is re-taken under a row lock on what is stored."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import permissions
from ..errors import IssueError
from ..models import Problem, events
from ..models.choices import NEXT_GRADE
from ..selectors import overdue_q
from .common import log_problem
from .limits import arm_limit, default_owner, grade_limit, tell_owner
from .problems import check_allowed, locked_problem, save_problem, tell

logger = logging.getLogger(__name__)


def escalate_if_overdue(*, problem_id: int, now=None) -> bool:
    """Escalate one problem if, at `now`, its limit has passed without the required
    step. Returns whether it was escalated; a second call changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = (
            Problem.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("request__requesting_department", "owner", "reporter")
            .filter(overdue_q(now), pk=problem_id, grade__in=list(NEXT_GRADE))
            .first()
        )
        if problem is None:
            return False
        # No stored reason: the timeline says "automatic" in each reader's language.
        _raise_grade(problem, by=None, reason="", automatic=True, now=now)
    return True


def escalate_overdue_problems(*, now=None) -> int:
    """Escalate every problem that is overdue at `now`; returns how many moved up."""
    now = now or timezone.now()
    ids = list(
        Problem.objects.filter(overdue_q(now), grade__in=list(NEXT_GRADE))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    escalated = 0
    for pk in ids:
        try:
            escalated += escalate_if_overdue(problem_id=pk, now=now)
        except IssueError:
            # E.g. no working-day calendar for the new limit's year: say so loudly and
            # go on with the others; the next sweep tries again.
            logger.exception("Problem %s could not be escalated", pk)
    return escalated


def _raise_grade(problem, *, by, reason, automatic, now) -> Problem:
    old_grade, old_owner = problem.grade, problem.owner
    new_grade = NEXT_GRADE[old_grade]
    problem.grade = new_grade
    problem.owner = default_owner(problem, new_grade) or old_owner
    problem.due_at = grade_limit(new_grade, start=now)
    problem.escalated_at = now
    save_problem(problem)
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
    arm_limit(problem, start=now)
    tell_owner(problem, event=events.PROBLEM_ESCALATED, template="escalated_owner", reason=reason)
    tell(
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
        problem = locked_problem(problem)
        check_allowed(
            permissions.can_escalate(by, problem),
            permissions.is_concerned_head(by, problem),
            problem,
        )
        return _raise_grade(problem, by=by, reason=reason, automatic=False, now=now)
