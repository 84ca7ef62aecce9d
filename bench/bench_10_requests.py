"""Requests: the list page with 10,000 requests in the database against a bare query of
the same 25 rows plus the count; filing (create + submit) against a bare insert."""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.harness import count_queries
from collab.org.demo import seed_organisation
from collab.org.models import Department
from requests_app import services
from requests_app.models import Answer, Request, RequestDepartment, State

TOTAL = 10_000
STATES = [
    State.HEAD_REVIEW,
    State.LEADER_REVIEW,
    State.AWAITING_CONFIRMATION,
    State.IN_PROGRESS,
    State.RETURNED,
    State.COMPLETED,
]


def _fill(users) -> None:
    if Request.objects.count() >= TOTAL:
        return
    rng = random.Random(10)
    departments = list(Department.objects.all())
    requesters = {d.pk: users[f"{d.code.lower()}_staff"] for d in departments}
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for i in range(TOTAL):
        dept = rng.choice(departments)
        created = now - timedelta(minutes=7 * i)
        rows.append(
            Request(
                number=f"{dept.code}{created:%Y%m}{i:05d}",
                title=f"Benchmark request {i}",
                type="routine",
                state=rng.choice(STATES),
                requester=requesters[dept.pk],
                requesting_department=dept,
                contact_phone="010",
                background_goal="Benchmark",
                content_deliverables="Benchmark",
                start_date=today,
                deadline=today + timedelta(days=30),
                priority=rng.choice(["high", "medium", "low"]),
                confidentiality="confidential" if i % 10 == 0 else "normal",
                submitted_at=created,
            )
        )
    Request.objects.bulk_create(rows, batch_size=1000)
    links = []
    for request in Request.objects.only("pk", "requesting_department_id"):
        others = [d for d in departments if d.pk != request.requesting_department_id]
        for dept in rng.sample(others, 2):
            links.append(
                RequestDepartment(
                    request_id=request.pk,
                    department=dept,
                    contact_id=dept.liaison_id,
                    reached_at=now,
                    response_due=now + timedelta(hours=48),
                    answer=Answer.PENDING,
                )
            )
    RequestDepartment.objects.bulk_create(links, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(ctx) -> None:
    users = seed_organisation()
    _fill(users)
    secretary = ctx.client_for(users["secretary"])
    ours = ctx.get(secretary, "/requests/")

    def floor():
        rows = list(
            Request.objects.select_related("requester", "requesting_department").order_by(
                "-created_at", "-pk"
            )[:25]
        )
        return rows, Request.objects.count()

    ctx.compare("requests list (10k, secretary)", ours, floor, "bare 25 rows + count")
    te_liaison = ctx.client_for(users["te_liaison"])
    ctx.compare(
        "requests list (10k, filtered, liaison)",
        ctx.get(te_liaison, "/requests/?state=awaiting_confirmation&role=addressed"),
        floor,
        "bare 25 rows + count",
    )
    ctx.report("requests list queries", f"{count_queries(ours)} queries per page")

    te, pd = Department.objects.filter(code__in=["TE", "PD"]).order_by("code")
    requester = users["mt_staff"]
    today = timezone.localdate()
    fields = {
        "title": "Filed in the benchmark",
        "type": "routine",
        "priority": "medium",
        "confidentiality": "normal",
        "contact_phone": "010",
        "background_goal": "Benchmark",
        "content_deliverables": "Benchmark",
        "start_date": today,
        "deadline": today + timedelta(days=10),
    }

    def file_request():
        request = services.create_request(
            by=requester,
            fields=fields,
            departments=[(te, None), (pd, None)],
            milestones=[(today + timedelta(days=5), "Half way")],
        )
        services.submit_request(request=request, by=requester)

    @transaction.atomic
    def bare_insert():
        request = Request.objects.create(
            requester=requester, requesting_department_id=requester.department_id, **fields
        )
        RequestDepartment.objects.create(request=request, department=te, contact_id=te.liaison_id)
        RequestDepartment.objects.create(request=request, department=pd, contact_id=pd.liaison_id)

    ctx.compare("file a request (create + submit)", file_request, bare_insert, "bare inserts")
    ctx.report("file a request queries", f"{count_queries(file_request)} queries")
