"""What the ledgers, the dossier and the archive read from the tasks app (read-only).

Tasks inherit the visibility of their request, so every function here takes requests
the caller has already found visible and reads all of their tasks. Query counts are
fixed: one aggregate for the progress columns, one query per relation for the
dossier, whatever the number of rows."""

from django.db.models import Avg, Case, Count, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from collab.workdays import calendar
from issues_app.models import Problem
from tasks_app.models import (
    ACTIVE,
    AcceptanceRound,
    Deliverable,
    DeliverableKind,
    DepartmentRating,
    ProgressEntry,
    ProgressFile,
    Task,
    TaskState,
)

from .common import when

# Ids per IN clause: far below every database's limit on bound parameters.
CHUNK = 2000


def progress_by_request(request_ids) -> dict[int, dict]:
    """{request_id: {"total", "done", "percent", "late", "overdue"}} for requests with
    tasks; cancelled tasks do not count. Delivered and accepted work counts as 100 %."""
    ids = list(request_ids)
    today = timezone.localdate()
    finished = [TaskState.DELIVERED, TaskState.ACCEPTED]
    result = {}
    for start in range(0, len(ids), CHUNK):
        rows = (
            Task.objects.filter(request_id__in=ids[start : start + CHUNK])
            .exclude(state=TaskState.CANCELLED)
            .order_by()
            .values("request_id")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(state=TaskState.ACCEPTED)),
                late=Count("pk", filter=Q(state__in=ACTIVE, due_date__lt=today)),
                average=Avg(
                    Case(
                        When(state__in=finished, then=Value(100)),
                        default="progress_percent",
                        output_field=IntegerField(),
                    )
                ),
            )
        )
        for row in rows:
            result[row["request_id"]] = {
                "total": row["total"],
                "done": row["done"],
                "percent": round(row["average"] or 0),
                "late": row["late"],
                "overdue": row["late"] > 0,
            }
    return result


def _tasks_of(request):
    return (
        Task.objects.filter(request=request)
        .select_related("owner", "department")
        .prefetch_related(
            "collaborators",
            Prefetch(
                "progress",
                queryset=ProgressEntry.objects.select_related("author").order_by("date", "pk"),
            ),
            Prefetch(
                "rounds",
                queryset=AcceptanceRound.objects.select_related(
                    "delivered_by", "decided_by"
                ).prefetch_related("deliverables"),
            ),
            Prefetch(
                "problems", queryset=Problem.objects.select_related("request").order_by("seq")
            ),
        )
        .order_by("seq")
    )


def dossier_tasks(request) -> list[dict]:
    """The task follow-up table (任务执行跟进表) with its progress log, deliverables,
    problems met and every acceptance round."""
    rows = []
    for task in _tasks_of(request):
        rounds = list(task.rounds.all())
        rows.append(
            {
                "number": task.number,
                "name": task.name,
                "department": task.department.code,
                "owner": task.owner.name,
                "collaborators": [u.name for u in task.collaborators.all()],
                "priority": str(task.get_priority_display()),
                "state": str(task.get_state_display()),
                "state_code": task.state,
                "percent": 100
                if task.state in (TaskState.DELIVERED, TaskState.ACCEPTED)
                else task.progress_percent,
                "late": task.overdue,
                "started": when(task.actual_start),
                "planned_finish": when(task.planned_finish),
                "due": when(task.due_date),
                "finished": when(task.actual_finish),
                "progress_log": [
                    {"date": when(e.date), "text": e.text, "by": e.author.name}
                    for e in task.progress.all()
                ],
                "deliverables": [d.label for r in rounds for d in r.deliverables.all()],
                "problems": [
                    f"{p.number} {p.title} ({p.get_status_display()})" for p in task.problems.all()
                ],
                "acceptance": [
                    {
                        "round": r.number,
                        "delivered": when(r.delivered_at),
                        "delivered_by": r.delivered_by.name,
                        "result": str(r.get_result_display()),
                        "result_code": r.result,
                        "comment": "\n".join(x for x in (r.comment, r.required_changes) if x),
                        "new_deadline": when(r.new_deadline),
                        # Counted in working days; marked while the year is provisional.
                        "feedback_due": {
                            "at": when(r.feedback_due),
                            "provisional": calendar.is_provisional(r.feedback_due),
                        }
                        if r.is_pending
                        else None,
                        "by": r.decided_by.name if r.decided_by else "",
                        "at": when(r.decided_at),
                    }
                    for r in rounds
                ],
            }
        )
    return rows


def dossier_ratings(request) -> list[dict]:
    return [
        {
            "department": f"{r.department.code} {r.department.name}",
            "speed": r.speed,
            "professionalism": r.professionalism,
            "cooperation": r.cooperation,
            "average": r.average,
            "remarks": r.remarks,
            "by": r.rated_by.name,
            "at": when(r.rated_at),
        }
        for r in DepartmentRating.objects.filter(request=request).select_related(
            "department", "rated_by"
        )
    ]


def deliverable_files(request) -> list[tuple[str, object]]:
    """(name, FieldFile) of every file handed in, in delivery order."""
    return [
        (d.original_name, d.file)
        for d in Deliverable.objects.filter(task__request=request, kind=DeliverableKind.FILE)
        .exclude(file="")
        .select_related("task")
        .order_by("task__seq", "round__number", "pk")
    ]


def task_files(request) -> list[tuple[str, str, object]]:
    """(folder, name, FieldFile) for the archive ZIP: deliverables and the files posted
    with the progress log, each under its task's number."""
    files = [
        (f"{gettext('deliverables')}/{d.task.number}", d.original_name, d.file)
        for d in Deliverable.objects.filter(task__request=request, kind=DeliverableKind.FILE)
        .exclude(file="")
        .select_related("task")
        .order_by("task__seq", "round__number", "pk")
    ]
    files += [
        (f"{gettext('progress files')}/{f.entry.task.number}", f.original_name, f.file)
        for f in ProgressFile.objects.filter(entry__task__request=request)
        .exclude(file="")
        .select_related("entry__task")
        .order_by("entry__task__seq", "uploaded_at", "pk")
    ]
    return files
