"""KPI dashboard over 10,000 requests and 50,000 tasks: median server time against a
bare pair of GROUP BY counts (requests filed and tasks accepted per department), and
the query count, which must not depend on the number of rows."""

import random
from datetime import timedelta

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from bench.bench_10_requests import _fill
from bench.harness import count_queries
from collab.org.demo import seed_organisation
from collab.org.models import Department
from requests_app.models import Request, RequestDepartment
from tasks_app.models import DepartmentRating, Task, TaskState

TASKS = 50_000
STATES = [
    TaskState.TODO,
    TaskState.IN_PROGRESS,
    TaskState.DELIVERED,
    TaskState.REWORK,
    TaskState.ACCEPTED,
    TaskState.ACCEPTED,
    TaskState.CANCELLED,
]


def _fill_tasks(users) -> None:
    if Task.objects.count() >= TASKS:
        return
    rng = random.Random(70)
    now = timezone.now()
    today = timezone.localdate()
    owners = {d.pk: users[f"{d.code.lower()}_staff"] for d in Department.objects.all()}
    heads = {d.pk: d.head_id for d in Department.objects.all()}
    links = list(
        RequestDepartment.objects.values_list("request_id", "department_id", "request__number")
    )
    rows, seq = [], {}
    for i in range(TASKS):
        request_id, department_id, number = links[i % len(links)]
        seq[request_id] = seq.get(request_id, 0) + 1
        state = rng.choice(STATES)
        planned_finish = today - timedelta(days=rng.randint(-20, 60))
        accepted = state == TaskState.ACCEPTED
        finished = now - timedelta(days=rng.randint(0, 170)) if accepted else None
        rows.append(
            Task(
                request_id=request_id,
                department_id=department_id,
                seq=seq[request_id],
                number=f"{number}-{seq[request_id]:02d}-{i}",
                name=f"Benchmark task {i}",
                owner=owners[department_id],
                created_by_id=heads[department_id],
                priority=rng.choice(["high", "medium", "low"]),
                deliverable_standard="Benchmark",
                planned_start=planned_finish - timedelta(days=10),
                planned_finish=planned_finish,
                due_date=planned_finish,
                state=state,
                rejection_rounds=rng.choice([0, 0, 0, 1, 2]) if accepted else 0,
                actual_finish=finished,
                accepted_at=finished,
                accepted_by_id=heads[department_id] if accepted else None,
            )
        )
    Task.objects.bulk_create(rows, batch_size=2000)
    ratings = []
    for request_id, department_id, _number in links[:3000]:
        ratings.append(
            DepartmentRating(
                request_id=request_id,
                department_id=department_id,
                speed=rng.randint(1, 5),
                professionalism=rng.randint(1, 5),
                cooperation=rng.randint(1, 5),
                rated_by_id=heads[department_id],
                rated_at=now - timedelta(days=rng.randint(0, 170)),
            )
        )
    DepartmentRating.objects.bulk_create(ratings, batch_size=2000, ignore_conflicts=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(ctx) -> None:
    users = seed_organisation()
    _fill(users)
    _fill_tasks(users)
    leader = ctx.client_for(users["leader1"])
    ours = ctx.get(leader, "/kpi/")

    def floor():
        filed = list(
            Request.objects.order_by().values("requesting_department").annotate(n=Count("pk"))
        )
        accepted = list(
            Task.objects.filter(state=TaskState.ACCEPTED)
            .order_by()
            .values("department")
            .annotate(n=Count("pk"))
        )
        return filed, accepted

    ctx.compare("KPI dashboard (10k requests, 50k tasks)", ours, floor, "two bare GROUP BYs")
    ctx.report("KPI dashboard queries", f"{count_queries(ours)} queries")
    quarter = ctx.get(leader, "/kpi/?period=quarter")
    ctx.compare("KPI dashboard, quarter", quarter, floor, "two bare GROUP BYs")
    api = ctx.get(leader, "/api/v1/kpis/")
    ctx.compare("KPI API (JSON)", api, floor, "two bare GROUP BYs")
