"""Automatic escalation (DOMAIN §5): a problem whose limit passes without the step its
grade requires moves up one grade — general → important → major — and the new owner is
told. Driven by the reminder engine's escalation action and by a sweep; both are
idempotent because the decision is re-taken under a row lock on what is stored."""

import logging

from django.db import transaction
from django.utils import timezone

from ..errors import IssueError
from ..models import Problem
from ..models.choices import NEXT_GRADE
from ..selectors import overdue_q
from .problems import _raise_grade

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
