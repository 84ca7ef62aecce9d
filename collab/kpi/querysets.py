"""The querysets and conditions each KPI figure counts, shared by the aggregate
queries (selectors) and the drill-down lists behind the figures (items)."""

from django.db.models import F, Q

from issues_app.models import Problem, ProblemDepartment
from issues_app.selectors import overdue_q
from requests_app.models import Answer, Request, RequestDepartment
from requests_app.models import State as RequestState
from tasks_app.models import ACTIVE, AcceptanceRound, DepartmentRating, RoundResult, Task


def filed_qs(start, end):
    return Request.objects.filter(submitted_at__gte=start, submitted_at__lt=end)


def received_qs(start, end):
    return RequestDepartment.objects.filter(reached_at__gte=start, reached_at__lt=end)


def response_due_q(now) -> Q:
    """Answered, or still pending past the limit: the responses that count. A paused
    clock (waiting for the requester's answer) is not late."""
    return Q(answered_at__isnull=False) | Q(
        answer=Answer.PENDING,
        response_due__lt=now,
        clock_paused_at__isnull=True,
        request__state=RequestState.AWAITING_CONFIRMATION,
    )


# `response_due` has already moved on by the time the clock was paused for the
# requester's answers, so an answer within the department's own time counts as on time.
RESPONSE_ON_TIME = Q(answered_at__isnull=False, answered_at__lte=F("response_due"))


def acknowledgement_due_q(now) -> Q:
    """Receipts acknowledged, or still unacknowledged past the working-day limit while
    the request awaits confirmation. No pause to allow for: a question acknowledges
    receipt, and pausing moves only `response_due`."""
    return Q(acknowledge_due__isnull=False) & (
        Q(acknowledged_at__isnull=False)
        | Q(acknowledge_due__lt=now, request__state=RequestState.AWAITING_CONFIRMATION)
    )


ACKNOWLEDGEMENT_ON_TIME = Q(
    acknowledged_at__isnull=False, acknowledged_at__lte=F("acknowledge_due")
)


def accepted_qs(start, end):
    return Task.objects.filter(accepted_at__gte=start, accepted_at__lt=end)


TASK_ON_TIME = Q(actual_finish__date__lte=F("planned_finish"))
FIRST_PASS = Q(rejection_rounds=0)


def rejections_qs(start, end):
    return AcceptanceRound.objects.filter(
        result=RoundResult.FAILED, decided_at__gte=start, decided_at__lt=end
    )


def raised_qs(start, end):
    return Problem.objects.filter(reported_at__gte=start, reported_at__lt=end)


def resolved_qs(start, end):
    """Problems resolved in the period, once per department concerned."""
    return ProblemDepartment.objects.filter(
        problem__resolved_at__gte=start, problem__resolved_at__lt=end
    )


PROBLEM_ON_TIME = Q(problem__due_at__isnull=True) | Q(
    problem__resolved_at__lte=F("problem__due_at")
)


def ratings_qs(start, end):
    return DepartmentRating.objects.filter(rated_at__gte=start, rated_at__lt=end)


def overdue_tasks_qs(today):
    return Task.objects.filter(
        state__in=ACTIVE, due_date__lt=today, request__state=RequestState.IN_PROGRESS
    )


def overdue_responses_qs(now):
    return RequestDepartment.objects.filter(
        answer=Answer.PENDING,
        response_due__lt=now,
        clock_paused_at__isnull=True,
        request__state=RequestState.AWAITING_CONFIRMATION,
    )


def overdue_problems_qs(now):
    return ProblemDepartment.objects.filter(problem__in=Problem.objects.filter(overdue_q(now)))
