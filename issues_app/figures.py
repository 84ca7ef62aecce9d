"""Problem figures per department and period for the evaluation (DOMAIN §9: problems
raised / resolved on time). Company-wide numbers: callers decide who may see them."""

from django.db.models import Count, F, Q

from .models import Problem, ProblemDepartment, ProblemState

FIELDS = ("raised", "concerned", "responded_on_time", "resolved", "resolved_on_time")


def _on_time_resolution() -> Q:
    # On time: settled within the limit of the grade it was given, never escalated.
    return Q(escalated_at__isnull=True) & (Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at")))


def department_figures(*, start, end) -> dict[int, dict[str, int]]:
    """{department id: {raised, concerned, responded_on_time, resolved,
    resolved_on_time}} for problems reported (raised, concerned) or resolved (resolved)
    in [start, end). Three queries whatever the number of departments."""
    figures: dict[int, dict[str, int]] = {}

    def row(department_id):
        return figures.setdefault(department_id, dict.fromkeys(FIELDS, 0))

    raised = (
        Problem.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .exclude(reporting_department__isnull=True)
        .values("reporting_department")
        .annotate(n=Count("pk"))
    )
    for r in raised:
        row(r["reporting_department"])["raised"] = r["n"]

    concerned = (
        ProblemDepartment.objects.filter(
            problem__reported_at__gte=start, problem__reported_at__lt=end
        )
        .values("department")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(responded_at__lte=F("problem__response_due"))),
        )
    )
    for r in concerned:
        entry = row(r["department"])
        entry["concerned"], entry["responded_on_time"] = r["n"], r["on_time"]

    resolved = (
        Problem.objects.filter(
            resolved_at__gte=start,
            resolved_at__lt=end,
            state__in=[ProblemState.RESOLVED, ProblemState.CLOSED],
            owner__department__isnull=False,
        )
        .values("owner__department")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=_on_time_resolution()))
    )
    for r in resolved:
        entry = row(r["owner__department"])
        entry["resolved"], entry["resolved_on_time"] = r["n"], r["on_time"]
    return figures
