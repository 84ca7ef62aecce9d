"""The OpenAPI schema is valid and documents the API; a property-based run of every
operation against the in-process app (no network) finds no server error."""

import datetime
import re

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from archive_app import services as archive_services
from collab.workdays import calendar
from issues_app import services
from issues_app.models import Grade, MeetingKind

from ..issues_app.factories import report, running_request
from ..requests_app.factories import make_request

pytestmark = pytest.mark.django_db


def test_schema_is_valid_without_warnings(tmp_path):
    # --fail-on-warn: every view's body and response is documented, none guessed.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_schema_documents_transitions_and_preconditions(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for action in ("submit", "approve", "return", "withdraw", "confirm", "adjust", "decline"):
        operation = paths[f"/api/v1/requests/{{id}}/{action}/"]["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "If-Match" in headers, action
        assert {"409", "412", "428"} <= set(operation["responses"]), action
        assert "requestBody" in operation, action
    ask = paths["/api/v1/requests/{id}/ask/"]["post"]["requestBody"]
    assert "question" in str(schema["components"]["schemas"]) and ask
    assert "ETag" in paths["/api/v1/requests/{id}/"]["get"]["responses"]["200"]["headers"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


PROBLEM_ACTIONS = (
    "grade",
    "respond",
    "propose",
    "decide",
    "resolve",
    "confirm",
    "reopen",
    "escalate",
    "assign",
    "refer",
    "rule",
    "close",
)
GUARDED = [
    *(f"/api/v1/problems/{{id}}/{name}/" for name in PROBLEM_ACTIONS),
    *(
        f"/api/v1/meetings/{{id}}/{name}/"
        for name in ("agenda", "minutes", "publish", "cancel", "sign-off")
    ),
    "/api/v1/action-items/{id}/complete/",
]


@pytest.mark.parametrize("path", GUARDED)
def test_schema_documents_the_new_transitions_and_preconditions(client, path):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"][path]["post"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert "If-Match" in headers
    assert {"403", "404", "409", "412", "428"} <= set(operation["responses"])
    if not path.endswith("/publish/"):
        assert "requestBody" in operation


def test_schema_documents_lists_ledgers_and_documents(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path, filters in (
        ("/api/v1/problems/", {"grade", "state", "department", "overdue", "mine", "q"}),
        ("/api/v1/meetings/", {"view"}),
        ("/api/v1/ledgers/progress/", {"date_from", "date_to", "department", "state", "sort"}),
        ("/api/v1/ledgers/problems/", {"grade", "state", "department", "overdue", "sort"}),
    ):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert filters | {"page", "page_size"} <= names, path
    for path in ("/api/v1/ledgers/progress/export/", "/api/v1/ledgers/problems/export/"):
        assert {"200", "202"} <= set(paths[path]["post"]["responses"]), path
    download = paths["/api/v1/documents/{key}/download/"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf"} <= set(download)
    assert "ETag" in paths["/api/v1/problems/{id}/"]["get"]["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/v1/meetings/{id}/"]["get"]["responses"]["200"]["headers"]


def test_docs_are_served_from_local_assets(client):
    for url in ("/api/docs/", "/api/redoc/"):
        html = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html, url
        # Every script, stylesheet and image comes from this server (no CDN); random
        # tokens in the page may spell anything, so look at the addresses themselves.
        external = re.findall(r'(?:src|href)\s*=\s*["\']((?:https?:)?//[^"\']+)', html)
        assert external == [], (url, external)
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


# --- property-based run ---------------------------------------------------------------


@pytest.fixture
def seeded(demo):
    # Requests in every early state, so that generated ids often hit real objects.
    for stage in ("draft", "head_review", "leader_review", "awaiting_confirmation", "in_progress"):
        make_request(demo, stage=stage)
        make_request(demo, stage=stage, requester="te_staff", to=("MT", "FI"))
    # Problems in every state, meetings with minutes and action items, and a document.
    calendar.invalidate()
    running = running_request(demo)
    report(demo, running, by="te_liaison")
    graded = services.grade_problem(
        problem=report(demo, running, by="mt_staff", concerned=("TE",)),
        by=demo["secretary"],
        grade=Grade.GENERAL,
    )
    services.resolve_problem(problem=graded, by=demo["secretary"], resolution="Done.")
    meeting = services.schedule_meeting(
        by=demo["secretary"],
        title="Hand-off",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        duration_minutes=60,
        place="Room 3",
        chair=demo["te_head"],
        attendees=[demo["mt_staff"]],
        problems=[graded],
    )
    services.save_minutes(
        meeting=meeting,
        by=demo["secretary"],
        summary="",
        present_ids=[],
        decisions={},
        actions=[
            {
                "id": None,
                "title": "Send designs",
                "owner": demo["mt_staff"],
                "deadline": timezone.localdate(),
                "problem": graded,
                "request": None,
            }
        ],
    )
    services.publish_minutes(meeting=meeting, by=demo["secretary"])
    archive_services.request_ledger(
        by=demo["mt_staff"], ledger="progress", fmt="xlsx", filters={}, language="en"
    )
    return demo


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The WSGI handler closes the database connection after each request, which on
    PostgreSQL ends the test's transaction; Django's test client detaches that handler
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_for_any_input(seeded, mode, wsgi_keeps_the_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    tokens = [
        Token.objects.get_or_create(user=seeded[name])[0].key
        for name in ("mt_staff", "te_head", "secretary")
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50

    untestable = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            for key in tokens:
                case.call_and_validate(
                    headers={"Authorization": f"Token {key}"}, checks=[not_a_server_error]
                )

        try:
            call()
        except Unsatisfiable:
            # Nothing invalid can be said to it (no parameters, no body): nothing to test.
            assert mode == GenerationMode.NEGATIVE, operation.label
            untestable.append(operation.label)
    assert len(untestable) <= 2, untestable
