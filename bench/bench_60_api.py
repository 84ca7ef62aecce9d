"""REST API: the request list with 10,000 requests, token-authenticated, against a bare
query of the same page (25 rows with requester and department, their addressed
departments, plus the count); and one request's detail with its ETag."""

from django.db.models import Prefetch
from django.test import Client
from rest_framework.authtoken.models import Token

from bench.bench_10_requests import _fill
from bench.harness import count_queries
from collab.org.demo import seed_organisation
from requests_app.models import Request, RequestDepartment


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
