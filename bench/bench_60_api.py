"""REST API: the request list with 10,000 requests, token-authenticated, against a bare
query of the same page (25 rows with requester and department, their addressed
departments, plus the count); one request's detail with its ETag; the problem list with
5,000 problems and the progress ledger's JSON rows, each against a bare page + count."""

import random
from datetime import timedelta

from django.db.models import Prefetch
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bench.bench_10_requests import _fill
from bench.harness import count_queries
from collab.org.demo import seed_organisation
from collab.org.models import Department
from issues_app.models import Problem, ProblemDepartment
from requests_app.models import Request, RequestDepartment

PROBLEMS = 5_000


def _api_client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def run(ctx) -> None:
    users = seed_organisation()
    _fill(users)
    secretary = _api_client(users["secretary"])
    ours = ctx.get(secretary, "/api/v1/requests/")

    def floor():
        rows = list(
            Request.objects.select_related("requester", "requesting_department")
            .prefetch_related(
                Prefetch(
                    "departments", queryset=RequestDepartment.objects.select_related("department")
                )
            )
            .order_by("-created_at", "-pk")[:25]
        )
        return rows, Request.objects.count()

    ctx.compare("API request list (10k, secretary)", ours, floor, "bare page + count")
    liaison = _api_client(users["te_liaison"])
    ctx.compare(
        "API request list (10k, filtered, liaison)",
        ctx.get(liaison, "/api/v1/requests/?state=awaiting_confirmation&role=addressed"),
        floor,
        "bare page + count",
    )
    ctx.report("API request list queries", f"{count_queries(ours)} queries per page")

    pk = (
        Request.objects.filter(confidentiality="normal")
        .order_by("-pk")
        .values_list("pk", flat=True)[0]
    )
    detail = ctx.get(secretary, f"/api/v1/requests/{pk}/")

    def bare_detail():
        return (
            Request.objects.select_related("requester").prefetch_related("departments").get(pk=pk)
        )

    ctx.compare("API request detail (with ETag)", detail, bare_detail, "bare row + departments")
    ctx.report("API request detail queries", f"{count_queries(detail)} queries")

    _fill_problems(users)
    problems = ctx.get(secretary, "/api/v1/problems/")

    def bare_problems():
        rows = list(
            Problem.objects.select_related("request", "reporter", "owner", "reporting_department")
            .prefetch_related(
                Prefetch(
                    "departments", queryset=ProblemDepartment.objects.select_related("department")
                )
            )
            .order_by("-reported_at", "-pk")[:25]
        )
        return rows, Problem.objects.count()

    ctx.compare("API problem list (5k, secretary)", problems, bare_problems, "bare page + count")
    ctx.report("API problem list queries", f"{count_queries(problems)} queries per page")

    ledger = ctx.get(secretary, "/api/v1/ledgers/progress/")

    def bare_ledger():
        rows = list(
            Request.objects.filter(submitted_at__isnull=False)
            .select_related("requester", "requesting_department")
            .prefetch_related("departments__department", "milestones")
            .order_by("-submitted_at", "-pk")[:25]
        )
        return rows, Request.objects.filter(submitted_at__isnull=False).count()

    ctx.compare("API progress ledger rows (10k)", ledger, bare_ledger, "bare page + count")
    ctx.report("API progress ledger queries", f"{count_queries(ledger)} queries per page")


def _fill_problems(users) -> None:
    """Two problems on each of the newest 2,500 requests, one department concerned."""
    if Problem.objects.count() >= PROBLEMS:
        return
    rng = random.Random(60)
    departments = list(Department.objects.all())
    reporters = {d.pk: users[f"{d.code.lower()}_staff"] for d in departments}
    now = timezone.now()
    requests = list(
        Request.objects.order_by("-pk").values_list("pk", "requesting_department_id")[
            : PROBLEMS // 2
        ]
    )
    rows = []
    for i in range(PROBLEMS):
        request_id, department_id = requests[i // 2]
        state = rng.choice(["reported", "open", "resolved", "closed"])
        reported = now - timedelta(minutes=11 * i)
        rows.append(
            Problem(
                request_id=request_id,
                seq=i % 2 + 1,
                title=f"Benchmark problem {i}",
                description="Benchmark",
                category=rng.choice(["boundary", "resources", "information"]),
                impact="Benchmark",
                reporter=reporters[department_id],
                reporting_department_id=department_id,
                reported_at=reported,
                response_due=reported + timedelta(days=2),
                state=state,
                grade="" if state == "reported" else rng.choice(["general", "important"]),
                due_at=None if state == "reported" else reported + timedelta(days=3),
            )
        )
    Problem.objects.bulk_create(rows, batch_size=1000)
    concerned = [
        ProblemDepartment(problem_id=pk, department=rng.choice(departments))
        for pk in Problem.objects.values_list("pk", flat=True)
    ]
    ProblemDepartment.objects.bulk_create(concerned, batch_size=1000)
