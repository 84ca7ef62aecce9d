"""Reads filtered by who may see what, decided in SQL. Tasks inherit their request's
visibility (confidential included); the people named on a task (owner, collaborators)
see it too."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.inbox import WorkItem
from collab.org.roles import roles_of
from collab.workdays import calendar
from requests_app.models import Answer, RequestDepartment
from requests_app.models import State as RequestState
from requests_app.selectors import visible_requests

from .models import (
    ACTIVE,
    BOARD_COLUMNS,
    OPEN,
    AcceptanceRound,
    Deliverable,
    DepartmentRating,
    ProgressEntry,
    ProgressFile,
    RoundResult,
    Task,
    TaskEvent,
    TaskState,
)

Collaboration = Task.collaborators.through

LIST_FIELDS = [
    "pk",
    "number",
    "name",
    "state",
    "priority",
    "planned_start",
    "planned_finish",
    "due_date",
    "progress_percent",
    "rejection_rounds",
    "request_id",
    "request__state",  # read by the request's state machine when it is loaded
    "request__number",
    "request__title",
    "department_id",
    "department__code",
    "owner_id",
    "owner__username",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
]


def named_q(user) -> Q:
    # An uncorrelated IN lets the database use the owner index and the collaborators
    # table's user index instead of probing every task.
    collaborating = Collaboration.objects.filter(user=user).values("task_id")
    return Q(owner=user) | Q(pk__in=collaborating)


def visible_tasks(user) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    return Task.objects.filter(Q(request__in=visible_requests(user).values("pk")) | named_q(user))


def my_department_ids(user) -> set[int]:
    ids = set(roles_of(user).headed)
    if user.department_id:
        ids.add(user.department_id)
    return ids


# --- the Tasks page and the board ----------------------------------------------------

SCOPES = ("mine", "department", "all")


def task_list(user, *, scope: str = "mine", filters: dict | None = None) -> QuerySet[Task]:
    filters = filters or {}
    qs = visible_tasks(user)
    if scope == "mine":
        qs = qs.filter(named_q(user))
    elif scope == "department":
        qs = qs.filter(department__in=my_department_ids(user))
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("priority"):
        qs = qs.filter(priority=filters["priority"])
    if filters.get("overdue"):
        qs = qs.filter(state__in=ACTIVE, due_date__lt=timezone.localdate())
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q))
    return (
        qs.select_related("request", "department", "owner")
        .only(*LIST_FIELDS)
        .order_by("due_date", "pk")
    )


BOARD_CAP = 25


def board(user, *, scope: str = "mine", filters: dict | None = None, cap: int = BOARD_CAP):
    """Columns by state, each capped at `cap` cards, with the full count per state.
    One count query plus one query per column, whatever the number of tasks."""
    qs = task_list(user, scope=scope, filters=filters)
    counts = dict(
        qs.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    wanted = (filters or {}).get("state")
    columns = []
    for state in BOARD_COLUMNS:
        if wanted and state != wanted:
            continue
        total = counts.get(state, 0)
        ordered = qs.filter(state=state)
        if state in (TaskState.ACCEPTED, TaskState.CANCELLED):
            ordered = ordered.order_by("-due_date", "-pk")
        cards = list(ordered[:cap])
        columns.append(
            {
                "state": state,
                "label": TaskState(state).label,
                "total": total,
                "cards": cards,
                "more": max(0, total - len(cards)),
            }
        )
    return columns


# --- one task ------------------------------------------------------------------------


def task_for_page(user, pk: int) -> Task | None:
    User = get_user_model()
    return (
        visible_tasks(user)
        .select_related(
            "request__requester",
            "request__requesting_department__head",
            "department__head",
            "owner",
            "created_by",
            "accepted_by",
            "cancelled_by",
        )
        .prefetch_related(
            Prefetch("collaborators", queryset=User.objects.select_related("department")),
            Prefetch(
                "progress",
                queryset=ProgressEntry.objects.select_related("author").prefetch_related("files"),
            ),
            Prefetch(
                "rounds",
                queryset=AcceptanceRound.objects.select_related(
                    "delivered_by", "decided_by"
                ).prefetch_related("deliverables"),
            ),
            Prefetch("events", queryset=TaskEvent.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )


def task_for_action(user, pk: int) -> Task | None:
    """A visible task with what the permission predicates read."""
    return (
        visible_tasks(user)
        .select_related("request__requester", "department", "owner")
        .prefetch_related("collaborators")
        .filter(pk=pk)
        .first()
    )


def deliverable_for(user, task_pk: int, pk: int) -> Deliverable | None:
    return Deliverable.objects.filter(
        pk=pk, task_id=task_pk, task__in=visible_tasks(user).values("pk")
    ).first()


def progress_file_for(user, task_pk: int, pk: int):
    return ProgressFile.objects.filter(
        pk=pk, entry__task_id=task_pk, entry__task__in=visible_tasks(user).values("pk")
    ).first()


def progress_days(task, *, today: datetime.date | None = None, limit: int = 60) -> list[dict]:
    """Each working day of the task's active period, newest first, with who posted
    progress on it (DOMAIN §4: one entry per working day), plus days off on which
    someone posted. Reads the prefetched log."""
    today = today or timezone.localdate()
    if task.actual_start is None:
        return []
    first = timezone.localtime(task.actual_start).date()
    last = today
    if task.state in (TaskState.DELIVERED, TaskState.ACCEPTED, TaskState.CANCELLED):
        end = task.actual_finish or task.delivered_at or task.cancelled_at
        if end:
            last = min(today, timezone.localtime(end).date())
    authors: dict[datetime.date, list[str]] = {}
    for entry in task.progress.all():
        authors.setdefault(entry.date, []).append(entry.author.name)
    days = []
    day = last
    while day >= first and len(days) < limit:
        try:
            working = calendar.is_working_day(day)
        except calendar.CalendarMissing:
            working = None  # the calendar lacks that year; show the day without judging it
        names = authors.get(day, [])
        # Days off appear only when someone posted on them anyway.
        if working is not False or names:
            days.append(
                {"date": day, "authors": names, "has_entry": bool(names), "working": working}
            )
        day -= datetime.timedelta(days=1)
    return days


# --- the tasks on a request page -----------------------------------------------------


def request_tasks(user, request) -> dict:
    """Everything the request page's task panel shows, in a fixed number of queries."""
    tasks = list(
        visible_tasks(user)
        .filter(request=request)
        .select_related("owner", "department")
        .order_by("seq")
    )
    ratings = {
        r.department_id: r
        for r in DepartmentRating.objects.filter(request=request).select_related("rated_by")
    }
    departments = list(request.departments.all())
    return {"tasks": tasks, "ratings": ratings, "departments": departments}


# --- My work -------------------------------------------------------------------------


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def departments_to_rate(user) -> QuerySet[RequestDepartment]:
    roles = roles_of(user)
    side = Q(request__requester=user)
    if roles.headed:
        side |= Q(request__requesting_department__in=roles.headed)
    tasks = Task.objects.filter(request=OuterRef("request"), department=OuterRef("department"))
    rated = DepartmentRating.objects.filter(
        request=OuterRef("request"), department=OuterRef("department")
    )
    return (
        RequestDepartment.objects.filter(side, request__state=RequestState.IN_PROGRESS)
        .filter(Exists(tasks.filter(state=TaskState.ACCEPTED)))
        .exclude(Exists(tasks.filter(state__in=OPEN)))
        .exclude(Exists(rated))
    )


def work_items(user) -> list[WorkItem]:
    """What waits on this person; four queries whatever the count."""
    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    kind = gettext("Task")
    items: list[WorkItem] = []

    def url(pk):
        return reverse("tasks:detail", args=[pk])

    actions = {
        TaskState.TODO: gettext("Start the task"),
        TaskState.IN_PROGRESS: gettext("Post progress and deliver"),
        TaskState.REWORK: gettext("Rework: make the required changes and deliver again"),
    }
    owned = (
        Task.objects.filter(owner=user, state__in=ACTIVE)
        .select_related("request")
        .only("pk", "number", "name", "state", "due_date", "request__state")
        .filter(request__state=RequestState.IN_PROGRESS)
    )
    for t in owned:
        items.append(
            WorkItem(kind, f"{t.number} {t.name}", url(t.pk), actions[t.state], _end_of(t.due_date))
        )

    side = Q(request__requester=user)
    if roles.headed:
        side |= Q(request__requesting_department__in=roles.headed)
    pending = AcceptanceRound.objects.filter(
        task=OuterRef("pk"), result=RoundResult.PENDING
    ).order_by("-number")
    delivered = (
        Task.objects.filter(side, state=TaskState.DELIVERED)
        .annotate(feedback_due=Subquery(pending.values("feedback_due")[:1]))
        .only("pk", "number", "name", "state")
    )
    for t in delivered:
        items.append(
            WorkItem(
                kind,
                f"{t.number} {t.name}",
                url(t.pk),
                gettext("Accept the delivery or ask for changes"),
                t.feedback_due,
                working_days=True,
            )
        )

    for rd in (
        departments_to_rate(user)
        .select_related("request", "department")
        .only("pk", "department__code", "request__state", "request__number", "request__title")
    ):
        items.append(
            WorkItem(
                gettext("Request"),
                f"{rd.request.number} {rd.request.title}",
                reverse("tasks:rate", args=[rd.request.pk, rd.department_id]),
                gettext("Rate %(department)s") % {"department": rd.department.code},
                None,
            )
        )

    if roles.headed:
        live = Task.objects.filter(
            request=OuterRef("request"), department=OuterRef("department")
        ).exclude(state=TaskState.CANCELLED)
        to_break_down = (
            RequestDepartment.objects.filter(
                department__in=roles.headed,
                answer=Answer.CONFIRMED,
                request__state=RequestState.IN_PROGRESS,
            )
            .exclude(Exists(live))
            .select_related("request", "department")
            .only("pk", "department__code", "request__state", "request__number", "request__title")
        )
        for rd in to_break_down:
            items.append(
                WorkItem(
                    gettext("Request"),
                    f"{rd.request.number} {rd.request.title}",
                    reverse("requests:detail", args=[rd.request.pk]) + "#tasks",
                    gettext("Break the request into tasks for %(department)s")
                    % {"department": rd.department.code},
                    None,
                )
            )
    return items
