"""Tasks: the task board and the Tasks page with 50,000 tasks in the database, each
against a bare query of the same rows (the board's capped columns, the list's 25 rows
plus the count), and the request page with 30 tasks against the same request without."""

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.harness import count_queries
from collab.org.demo import seed_organisation
from collab.org.models import Department
from requests_app.models import Answer, Request, RequestDepartment
from requests_app.models import State as RequestState
from tasks_app.models import BOARD_COLUMNS, Task, TaskState
from tasks_app.selectors import BOARD_CAP

TOTAL = 50_000
PER_REQUEST = 25
STATES = [
    TaskState.TODO,
    TaskState.IN_PROGRESS,
    TaskState.IN_PROGRESS,
    TaskState.DELIVERED,
    TaskState.REWORK,
    TaskState.ACCEPTED,
    TaskState.ACCEPTED,
    TaskState.CANCELLED,
]


def _fill(users) -> None:
    if Task.objects.count() >= TOTAL:
        return
    rng = random.Random(20)
    departments = {d.code: d for d in Department.objects.all()}
    doers = [departments["TE"], departments["PD"]]
    requesting = [d for code, d in departments.items() if code not in ("TE", "PD")]
    members = {
        d.pk: [users[f"{d.code.lower()}_{role}"] for role in ("staff", "liaison", "head")]
        for d in doers
    }
    now = timezone.now()
    today = timezone.localdate()
    count = TOTAL // PER_REQUEST
    requests = []
    for i in range(count):
        dept = rng.choice(requesting)
        requests.append(
            Request(
                number=f"BT{i:07d}",
                title=f"Task benchmark request {i}",
                type="project",
                state=RequestState.IN_PROGRESS,
                requester=users[f"{dept.code.lower()}_staff"],
                requesting_department=dept,
                contact_phone="010",
                background_goal="Benchmark",
                content_deliverables="Benchmark",
                start_date=today - timedelta(days=30),
                deadline=today + timedelta(days=60),
                confidentiality="confidential" if i % 10 == 0 else "normal",
                submitted_at=now - timedelta(days=30),
            )
        )
    Request.objects.bulk_create(requests, batch_size=1000)
    created = list(Request.objects.filter(number__startswith="BT").only("pk", "number"))
    links, tasks = [], []
    for request in created:
        for dept in doers:
            links.append(
                RequestDepartment(
                    request_id=request.pk,
                    department=dept,
                    contact_id=dept.liaison_id,
                    reached_at=now - timedelta(days=29),
                    answer=Answer.CONFIRMED,
                    answered_at=now - timedelta(days=28),
                )
            )
        for seq in range(1, PER_REQUEST + 1):
            dept = doers[seq % 2]
            start = today - timedelta(days=rng.randint(0, 30))
            finish = start + timedelta(days=rng.randint(1, 40))
            tasks.append(
                Task(
                    request_id=request.pk,
                    department=dept,
                    seq=seq,
                    number=f"{request.number}-{seq:02d}",
                    name=f"Benchmark task {seq}",
                    owner=rng.choice(members[dept.pk]),
                    priority=rng.choice(["high", "medium", "low"]),
                    deliverable_standard="Benchmark",
                    planned_start=start,
                    planned_finish=finish,
                    due_date=finish,
                    state=rng.choice(STATES),
                    progress_percent=rng.randint(0, 100),
                    created_by=dept.head,
                )
            )
    RequestDepartment.objects.bulk_create(links, batch_size=2000)
    Task.objects.bulk_create(tasks, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(ctx) -> None:
    users = seed_organisation()
    _fill(users)
    te = Department.objects.get(code="TE")
    fields = ["pk", "number", "name", "state", "priority", "due_date", "progress_percent"]

    def board_floor():
        return [
            list(
                Task.objects.filter(department=te, state=state)
                .order_by("due_date", "pk")
                .values_list(*fields)[:BOARD_CAP]
            )
            for state in BOARD_COLUMNS
        ]

    def list_floor():
        qs = Task.objects.filter(department=te)
        return list(qs.order_by("due_date", "pk").values_list(*fields)[:25]), qs.count()

    head = ctx.client_for(users["te_head"])
    board = ctx.get(head, "/tasks/board/?scope=department")
    ctx.compare("task board (50k, department, TE head)", board, board_floor, "bare column rows")
    ctx.report("task board queries", f"{count_queries(board)} queries per page")
    filtered = ctx.get(head, "/tasks/board/?scope=department&priority=high&overdue=on")
    ctx.compare("task board (50k, high + overdue)", filtered, board_floor, "bare column rows")

    staff = ctx.client_for(users["te_staff"])
    mine = ctx.get(staff, "/tasks/board/?scope=mine")
    ctx.compare("task board (50k, my tasks, staff)", mine, board_floor, "bare column rows")

    tasks_page = ctx.get(head, "/tasks/?scope=department")
    ctx.compare("tasks page (50k, department)", tasks_page, list_floor, "bare 25 rows + count")
    ctx.report("tasks page queries", f"{count_queries(tasks_page)} queries per page")

    request = Request.objects.filter(number__startswith="BT").order_by("pk")[1]
    requester = ctx.client_for(request.requester)
    detail = ctx.get(requester, f"/requests/{request.pk}/")

    def request_floor():
        return list(
            Task.objects.filter(request=request)
            .select_related("owner", "department")
            .order_by("seq")
        )

    ctx.compare("request page with 25 tasks", detail, request_floor, "bare task rows")
    ctx.report("request page queries", f"{count_queries(detail)} queries per page")
