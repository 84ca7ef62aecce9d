"""The KPI figures, computed by the database: one aggregate query per family of
figures, grouped by department (and by month or quarter for trends), so the number of
queries is fixed whatever the number of requests, tasks or problems.

Figures count every item, confidential ones included (a count reveals nothing); the
drill-down lists behind them show only the items the person may see."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from requests_app.models import Request, RequestDepartment
from tasks_app.models import AcceptanceRound, DepartmentRating, RoundResult, Task

from . import periods
from .figures import GRADES, Figures, score
from .querysets import (
    ACKNOWLEDGEMENT_ON_TIME,
    FIRST_PASS,
    PROBLEM_ON_TIME,
    RESPONSE_ON_TIME,
    TASK_ON_TIME,
    accepted_qs,
    acknowledgement_due_q,
    filed_qs,
    overdue_problems_qs,
    overdue_responses_qs,
    overdue_tasks_qs,
    raised_qs,
    ratings_qs,
    received_qs,
    rejections_qs,
    resolved_qs,
    response_due_q,
)

# The figures and the querysets they count live in their own modules; the views, the
# drill-down and the API read them from here.
__all__ = [
    "ACKNOWLEDGEMENT_ON_TIME",
    "FIRST_PASS",
    "GRADES",
    "PROBLEM_ON_TIME",
    "RESPONSE_ON_TIME",
    "TASK_ON_TIME",
    "Dashboard",
    "Figures",
    "accepted_qs",
    "acknowledgement_due_q",
    "dashboard",
    "filed_qs",
    "overdue_problems_qs",
    "overdue_responses_qs",
    "overdue_tasks_qs",
    "raised_qs",
    "ratings_qs",
    "received_qs",
    "rejections_qs",
    "resolved_qs",
    "response_due_q",
    "score",
]


def _count(q=None):
    return ("count", "pk", q)


def _sum(field_name):
    return ("sum", field_name, None)


def _windowed(qs, key: str, when: str, windows, **specs) -> dict:
    """{(department_id, window index): {name: value}} from one GROUP BY query.

    Each window is a conditional aggregate (`COUNT(*) FILTER (WHERE when in window)`)
    rather than a date truncation, so the database compares indexed values and calls no
    date function per row."""
    aggregates = {}
    for i, (start, end) in enumerate(windows):
        window = Q(**{f"{when}__gte": start, f"{when}__lt": end})
        for name, (kind, field_name, q) in specs.items():
            condition = window & q if q is not None else window
            function = Count if kind == "count" else Sum
            aggregates[f"{name}_{i}"] = function(field_name, filter=condition)
    first, last = windows[0][0], max(end for _start, end in windows)
    rows = (
        qs.filter(**{f"{when}__gte": first, f"{when}__lt": last})
        .order_by()
        .values(key)
        .annotate(**aggregates)
    )
    result = {}
    for row in rows:
        for i in range(len(windows)):
            result[(row[key], i)] = {name: row[f"{name}_{i}"] or 0 for name in specs}
    return result


def _collect(windows, *, now) -> dict:
    """{(department_id, window index): Figures} for each [start, end) window."""
    figures: dict = {}

    def cell(dept_id, i):
        return figures.setdefault((dept_id, i), Figures())

    for (dept, i), row in _windowed(
        Request.objects.all(), "requesting_department", "submitted_at", windows, n=_count()
    ).items():
        cell(dept, i).filed = row["n"]
    for (dept, i), row in _windowed(
        RequestDepartment.objects.all(),
        "department",
        "reached_at",
        windows,
        n=_count(),
        due=_count(response_due_q(now)),
        on_time=_count(RESPONSE_ON_TIME),
        ack_due=_count(acknowledgement_due_q(now)),
        ack_on_time=_count(ACKNOWLEDGEMENT_ON_TIME),
    ).items():
        c = cell(dept, i)
        c.received, c.responses_due, c.responses_on_time = row["n"], row["due"], row["on_time"]
        c.acknowledgements_due, c.acknowledgements_on_time = row["ack_due"], row["ack_on_time"]
    for (dept, i), row in _windowed(
        Task.objects.all(),
        "department",
        "accepted_at",
        windows,
        n=_count(),
        on_time=_count(TASK_ON_TIME),
        first=_count(FIRST_PASS),
    ).items():
        c = cell(dept, i)
        c.tasks_accepted, c.tasks_on_time, c.tasks_first_pass = (
            row["n"],
            row["on_time"],
            row["first"],
        )
    for (dept, i), row in _windowed(
        AcceptanceRound.objects.filter(result=RoundResult.FAILED),
        "task__department",
        "decided_at",
        windows,
        n=_count(),
    ).items():
        cell(dept, i).rejections = row["n"]
    for (dept, i), row in _windowed(
        DepartmentRating.objects.all(),
        "department",
        "rated_at",
        windows,
        n=_count(),
        speed=_sum("speed"),
        professionalism=_sum("professionalism"),
        cooperation=_sum("cooperation"),
    ).items():
        c = cell(dept, i)
        c.ratings = row["n"]
        c.speed_total = row["speed"]
        c.professionalism_total = row["professionalism"]
        c.cooperation_total = row["cooperation"]
    return figures


def _collect_problems(figures, start, end, *, now) -> None:
    """Problems and what is overdue now, for the selected period only."""

    def cell(dept_id, _window):
        return figures.setdefault((dept_id, None), Figures())

    raised = (
        raised_qs(start, end)
        .exclude(grade="")
        .order_by()
        .values("reporting_department", "grade")
        .annotate(n=Count("pk"))
    )
    for row in raised:
        cell(row["reporting_department"], None).problems_raised[row["grade"]] = row["n"]
    resolved = (
        resolved_qs(start, end)
        .exclude(problem__grade="")
        .order_by()
        .values("department", "problem__grade")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=PROBLEM_ON_TIME))
    )
    for row in resolved:
        c = cell(row["department"], None)
        c.problems_resolved[row["problem__grade"]] = row["n"]
        c.problems_resolved_on_time[row["problem__grade"]] = row["on_time"]
    today = timezone.localdate()
    counts = (
        ("overdue_tasks", overdue_tasks_qs(today), "department"),
        ("overdue_responses", overdue_responses_qs(now), "department"),
        ("overdue_problems", overdue_problems_qs(now), "department"),
    )
    for name, qs, key in counts:
        for row in qs.order_by().values(key).annotate(n=Count("pk")):
            setattr(cell(row[key], None), name, row["n"])


@dataclass
class Dashboard:
    period: periods.Period
    rows: list  # [(Department, Figures)] for the departments the person may see
    company: Figures
    trend: list  # [(Period, Figures)] for the selected department or the company
    ranking: list  # [(rank, Department, Figures)] when the person sees every department


def dashboard(*, period, departments, department=None, with_ranking=False, now=None) -> Dashboard:
    now = now or timezone.now()
    trend_periods = period.trend()
    windows = [p.bounds() for p in trend_periods]
    if period.kind == periods.CUSTOM:
        windows.append(period.bounds())  # the table's own window, after the months
    by_window = _collect(windows, now=now)
    selected = len(windows) - 1

    figures = {(d, None): f for (d, i), f in by_window.items() if i == selected}
    start, end = period.bounds()
    _collect_problems(figures, start, end, now=now)
    company = Figures()
    for value in figures.values():
        company.add(value)
    departments = list(departments)
    rows = [(d, figures.get((d.pk, None), Figures())) for d in departments]

    trend = []
    for i, p in enumerate(trend_periods):
        total = Figures()
        for (dept, window), value in by_window.items():
            if window == i and (department is None or dept == department.pk):
                total.add(value)
        trend.append((p, total))

    ranking = []
    if with_ranking:
        ranked = sorted(rows, key=lambda r: _score(r[1]), reverse=True)
        ranking = [(i + 1, d, f) for i, (d, f) in enumerate(ranked)]
    return Dashboard(period=period, rows=rows, company=company, trend=trend, ranking=ranking)


def _score(f: Figures) -> float:
    value = score(f)
    return -1.0 if value is None else value
