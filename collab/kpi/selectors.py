"""The KPI figures, computed by the database: one aggregate query per family of
figures, grouped by department (and by month or quarter for trends), so the number of
queries is fixed whatever the number of requests, tasks or problems.

Figures count every item, confidential ones included (a count reveals nothing); the
drill-down lists behind them show only the items the person may see."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from issues_app.models import Grade, Problem, ProblemDepartment
from issues_app.selectors import overdue_q
from requests_app.models import Answer, Request, RequestDepartment
from requests_app.models import State as RequestState
from tasks_app.models import ACTIVE, AcceptanceRound, DepartmentRating, RoundResult, Task

from . import periods

GRADES = [Grade.GENERAL, Grade.IMPORTANT, Grade.MAJOR]


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


@dataclass
class Figures:
    """The figures of one department (or the company) in one period."""

    filed: int = 0
    received: int = 0
    responses_due: int = 0
    responses_on_time: int = 0
    acknowledgements_due: int = 0
    acknowledgements_on_time: int = 0
    tasks_accepted: int = 0
    tasks_on_time: int = 0
    tasks_first_pass: int = 0
    rejections: int = 0
    problems_raised: dict = field(default_factory=lambda: {g.value: 0 for g in GRADES})
    problems_resolved: dict = field(default_factory=lambda: {g.value: 0 for g in GRADES})
    problems_resolved_on_time: dict = field(default_factory=lambda: {g.value: 0 for g in GRADES})
    ratings: int = 0
    speed_total: int = 0
    professionalism_total: int = 0
    cooperation_total: int = 0
    overdue_tasks: int = 0
    overdue_responses: int = 0
    overdue_problems: int = 0

    def add(self, other: "Figures") -> None:
        for name, value in vars(other).items():
            if isinstance(value, dict):
                mine = getattr(self, name)
                for key, count in value.items():
                    mine[key] = mine.get(key, 0) + count
            else:
                setattr(self, name, getattr(self, name) + value)

    # --- derived -------------------------------------------------------------------

    @property
    def response_rate(self):
        return _rate(self.responses_on_time, self.responses_due)

    @property
    def acknowledgement_rate(self):
        return _rate(self.acknowledgements_on_time, self.acknowledgements_due)

    @property
    def completion_rate(self):
        return _rate(self.tasks_on_time, self.tasks_accepted)

    @property
    def first_pass_rate(self):
        return _rate(self.tasks_first_pass, self.tasks_accepted)

    @property
    def problems_raised_total(self) -> int:
        return sum(self.problems_raised.values())

    @property
    def problems_resolved_on_time_rate(self) -> dict:
        return {
            g: _rate(self.problems_resolved_on_time[g], self.problems_resolved[g])
            for g in self.problems_resolved
        }

    @property
    def avg_speed(self):
        return _mean(self.speed_total, self.ratings)

    @property
    def avg_professionalism(self):
        return _mean(self.professionalism_total, self.ratings)

    @property
    def avg_cooperation(self):
        return _mean(self.cooperation_total, self.ratings)

    @property
    def avg_rating(self):
        total = self.speed_total + self.professionalism_total + self.cooperation_total
        return _mean(total, 3 * self.ratings)

    @property
    def overdue_now(self) -> int:
        return self.overdue_tasks + self.overdue_responses + self.overdue_problems

    def as_dict(self) -> dict:
        return {
            "requests_filed": self.filed,
            "requests_received": self.received,
            "responses_due": self.responses_due,
            "responses_on_time": self.responses_on_time,
            "on_time_response_rate": self.response_rate,
            "acknowledgements_due": self.acknowledgements_due,
            "acknowledgements_on_time": self.acknowledgements_on_time,
            "on_time_acknowledgement_rate": self.acknowledgement_rate,
            "tasks_accepted": self.tasks_accepted,
            "tasks_on_time": self.tasks_on_time,
            "on_time_completion_rate": self.completion_rate,
            "first_pass_acceptance_rate": self.first_pass_rate,
            "rejection_rounds": self.rejections,
            "problems_raised": dict(self.problems_raised),
            "problems_resolved": dict(self.problems_resolved),
            "problems_resolved_on_time": dict(self.problems_resolved_on_time),
            "ratings": self.ratings,
            "average_speed": self.avg_speed,
            "average_professionalism": self.avg_professionalism,
            "average_cooperation": self.avg_cooperation,
            "overdue_tasks": self.overdue_tasks,
            "overdue_responses": self.overdue_responses,
            "overdue_problems": self.overdue_problems,
        }


# --- the querysets each figure counts (shared with the drill-down) ------------------


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


# --- the figures -------------------------------------------------------------------------


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


def score(f: Figures) -> float | None:
    """One figure for the ranking: the mean of the on-time response, on-time completion
    and first-pass rates and the average rating scaled to 100; missing figures are left
    out, a department with none ranks last."""
    parts = [f.response_rate, f.completion_rate, f.first_pass_rate]
    parts.append(f.avg_rating * 20 if f.avg_rating is not None else None)
    present = [p for p in parts if p is not None]
    return round(sum(present) / len(present), 1) if present else None


def _score(f: Figures) -> float:
    value = score(f)
    return -1.0 if value is None else value
