"""The items behind each KPI figure, for the drill-down lists. The same querysets as
the figures, narrowed to what the person may see (confidential items stay hidden)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from issues_app.models import Problem
from issues_app.selectors import visible_problems
from requests_app.models import RequestDepartment
from requests_app.selectors import visible_requests
from tasks_app.selectors import visible_tasks

from . import selectors


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    kind: str  # request, response, acknowledgement, task, problem, rating


METRICS = {
    m.key: m
    for m in [
        Metric("filed", _("Requests filed"), "request"),
        Metric("received", _("Requests received"), "response"),
        Metric("responses", _("Responses counted for the on-time rate"), "response"),
        Metric(
            "acknowledgements",
            _("Acknowledgements counted for the on-time rate"),
            "acknowledgement",
        ),
        Metric("accepted", _("Tasks accepted"), "task"),
        Metric("first_pass", _("Tasks accepted at the first delivery"), "task"),
        Metric("rejections", _("Tasks with rejected deliveries"), "task"),
        Metric("raised", _("Problems raised"), "problem"),
        Metric("resolved", _("Problems resolved"), "problem"),
        Metric("ratings", _("Ratings received"), "rating"),
        Metric("overdue_tasks", _("Overdue tasks now"), "task"),
        Metric("overdue_responses", _("Overdue responses now"), "response"),
        Metric("overdue_problems", _("Overdue problems now"), "problem"),
    ]
}


def _when(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    return date_format(value, "Y-m-d")


def _yes(flag) -> str:
    return str(_("yes")) if flag else str(_("no"))


@dataclass(frozen=True)
class _Scope:
    """What every kind's list is narrowed by: the person, the figure, the period's
    bounds, the department and the requests the person may see."""

    user: object
    metric: Metric
    start: object
    end: object
    dept: int | None
    requests: object
    now: object


def _request_row(r):
    url = reverse("requests:detail", args=[r.pk])
    return url, [
        r.number,
        r.title,
        r.requesting_department.code,
        _when(r.submitted_at),
        r.get_state_display(),
    ]


def _request_items(scope: _Scope):
    qs = selectors.filed_qs(scope.start, scope.end).filter(pk__in=scope.requests)
    if scope.dept:
        qs = qs.filter(requesting_department=scope.dept)
    qs = qs.select_related("requesting_department").order_by("-submitted_at", "-pk")
    columns = [_("Number"), _("Title"), _("Department"), _("Submitted"), _("State")]
    return columns, qs, _request_row


def _response_row(rd):
    on_time = rd.answered_at is not None and rd.answered_at <= rd.response_due
    url = reverse("requests:detail", args=[rd.request_id])
    return url, [
        rd.request.number,
        rd.request.title,
        rd.department.code,
        _when(rd.reached_at),
        _when(rd.response_due),
        _when(rd.answered_at),
        _yes(on_time),
    ]


def _response_items(scope: _Scope):
    if scope.metric.key == "overdue_responses":
        qs = selectors.overdue_responses_qs(scope.now)
    else:
        qs = selectors.received_qs(scope.start, scope.end)
        if scope.metric.key == "responses":
            qs = qs.filter(selectors.response_due_q(scope.now))
    qs = qs.filter(request__in=scope.requests)
    if scope.dept:
        qs = qs.filter(department=scope.dept)
    qs = qs.select_related("request", "department").order_by("-reached_at", "-pk")
    columns = [
        _("Number"),
        _("Title"),
        _("Department"),
        _("Reached"),
        _("Response due"),
        _("Answered"),
        _("On time"),
    ]
    return columns, qs, _response_row


def _acknowledgement_row(rd):
    on_time = rd.acknowledged_at is not None and rd.acknowledged_at <= rd.acknowledge_due
    url = reverse("requests:detail", args=[rd.request_id])
    return url, [
        rd.request.number,
        rd.request.title,
        rd.department.code,
        _when(rd.reached_at),
        _when(rd.acknowledge_due),
        _when(rd.acknowledged_at),
        _yes(on_time),
    ]


def _acknowledgement_items(scope: _Scope):
    qs = selectors.received_qs(scope.start, scope.end).filter(
        selectors.acknowledgement_due_q(scope.now), request__in=scope.requests
    )
    if scope.dept:
        qs = qs.filter(department=scope.dept)
    qs = qs.select_related("request", "department").order_by("-reached_at", "-pk")
    # The model's own field names: the same words as on the request page.
    field = RequestDepartment._meta.get_field
    columns = [
        _("Number"),
        _("Title"),
        _("Department"),
        _("Reached"),
        capfirst(field("acknowledge_due").verbose_name),
        capfirst(field("acknowledged_at").verbose_name),
        _("On time"),
    ]
    return columns, qs, _acknowledgement_row


def _task_row(t):
    return reverse("tasks:detail", args=[t.pk]), [
        t.number,
        t.name,
        t.department.code,
        t.owner.name,
        _when(t.planned_finish),
        _when(t.actual_finish),
        t.rejection_rounds,
        t.get_state_display(),
    ]


def _task_items(scope: _Scope):
    if scope.metric.key == "overdue_tasks":
        qs = selectors.overdue_tasks_qs(timezone.localdate())
    elif scope.metric.key == "rejections":
        failed = selectors.rejections_qs(scope.start, scope.end).values("task_id")
        qs = visible_tasks(scope.user).filter(pk__in=failed)
    else:
        qs = selectors.accepted_qs(scope.start, scope.end)
        if scope.metric.key == "first_pass":
            qs = qs.filter(selectors.FIRST_PASS)
    qs = qs.filter(pk__in=visible_tasks(scope.user).values("pk"))
    if scope.dept:
        qs = qs.filter(department=scope.dept)
    qs = qs.select_related("department", "owner").order_by("due_date", "pk")
    columns = [
        _("Number"),
        _("Task"),
        _("Department"),
        _("Owner"),
        _("Planned finish"),
        _("Actual finish"),
        _("Rejections"),
        _("State"),
    ]
    return columns, qs, _task_row


def _problem_row(p):
    return reverse("issues:problem", args=[p.pk]), [
        p.number,
        p.title,
        p.get_grade_display() or "—",
        _when(p.reported_at),
        _when(p.due_at),
        _when(p.resolved_at),
        p.get_state_display(),
    ]


def _problem_items(scope: _Scope):
    if scope.metric.key == "raised":
        qs = selectors.raised_qs(scope.start, scope.end)
        if scope.dept:
            qs = qs.filter(reporting_department=scope.dept)
    else:
        concerned = (
            selectors.resolved_qs(scope.start, scope.end)
            if scope.metric.key == "resolved"
            else selectors.overdue_problems_qs(scope.now)
        )
        if scope.dept:
            concerned = concerned.filter(department=scope.dept)
        qs = Problem.objects.filter(pk__in=concerned.values("problem_id"))
    qs = (
        qs.filter(pk__in=visible_problems(scope.user).values("pk"))
        .select_related("request", "reporting_department")
        .order_by("-reported_at", "-pk")
    )
    columns = [
        _("Number"),
        _("Title"),
        _("Grade"),
        _("Reported"),
        _("Due"),
        _("Resolved"),
        _("State"),
    ]
    return columns, qs, _problem_row


def _rating_row(r):
    return reverse("requests:detail", args=[r.request_id]), [
        r.request.number,
        r.department.code,
        r.speed,
        r.professionalism,
        r.cooperation,
        r.remarks,
        _when(r.rated_at),
    ]


def _rating_items(scope: _Scope):
    qs = selectors.ratings_qs(scope.start, scope.end).filter(request__in=scope.requests)
    if scope.dept:
        qs = qs.filter(department=scope.dept)
    qs = qs.select_related("request", "department", "rated_by").order_by("-rated_at", "-pk")
    columns = [
        _("Number"),
        _("Department"),
        _("Response speed"),
        _("Professionalism"),
        _("Cooperation"),
        _("Remarks"),
        _("Rated"),
    ]
    return columns, qs, _rating_row


ITEMS_BY_KIND = {
    "request": _request_items,
    "response": _response_items,
    "acknowledgement": _acknowledgement_items,
    "task": _task_items,
    "problem": _problem_items,
    "rating": _rating_items,
}


def items(user, metric: Metric, *, period, department=None, now=None):
    """(columns, queryset, row function) for one figure."""
    now = now or timezone.now()
    start, end = period.bounds()
    scope = _Scope(
        user=user,
        metric=metric,
        start=start,
        end=end,
        dept=department.pk if department else None,
        requests=visible_requests(user).values("pk"),
        now=now,
    )
    return ITEMS_BY_KIND.get(metric.kind, _rating_items)(scope)
