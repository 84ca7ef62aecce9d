"""The ledgers and their PDF/Excel files through the API: the rows, filters and
visibility of the ledger pages, and archive_app's queued, cached documents."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from archive_app import selectors, sources
from archive_app.models import Document
from collab.api.v1.ledgers import ProblemRowSerializer, ProgressRowSerializer
from collab.workdays import calendar
from issues_app import services as issue_services
from issues_app.models import Grade, MeetingKind

from ..issues_app.factories import report, running_request
from ..requests_app.factories import make_request

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def numbers(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_progress_rows_are_the_ledger_pages_rows(demo, api):
    request = make_request(
        demo,
        stage="in_progress",
        milestones=[(timezone.localdate() + datetime.timedelta(days=7), "Draft")],
    )
    response = api(demo["secretary"]).get("/api/v1/ledgers/progress/")
    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    [screen] = selectors.progress_rows(
        selectors.with_ledger_relations(selectors.progress_ledger(demo["secretary"], filters={}))
    )
    assert row == {**screen, "web_url": f"/requests/{request.pk}/"}
    assert row["milestones"][0]["text"] == "Draft"
    # Every documented field is one the ledger builds.
    assert set(ProgressRowSerializer().fields) - {"web_url"} <= set(screen)


def test_progress_ledger_visibility_and_filters(demo, api):
    today = timezone.localdate()
    running = make_request(demo, stage="in_progress")
    late = make_request(
        demo,
        requester="sa_staff",
        to=("FI",),
        stage="in_progress",
        start_date=today - datetime.timedelta(days=40),
        deadline=today - datetime.timedelta(days=1),
    )
    waiting = make_request(demo, requester="hr_staff", to=("AD",), stage="leader_review")
    secret = make_request(demo, stage="in_progress", confidentiality="confidential")
    client = api(demo["secretary"])
    url = "/api/v1/ledgers/progress/"
    assert set(numbers(client, url)) == {running.number, late.number, waiting.number}
    assert secret.number in numbers(api(demo["mt_head"]), url)
    assert numbers(api(demo["te_staff"]), url) == [running.number]
    assert numbers(client, url + "?department=fi") == [late.number]
    assert numbers(client, url + "?state=leader_review") == [waiting.number]
    assert numbers(client, url + "?overdue=true") == [late.number]
    assert numbers(client, url + "?overdue=false&department=FI") == [late.number]
    early = (today - datetime.timedelta(days=10)).isoformat()
    assert numbers(client, url + f"?date_to={early}") == [late.number]
    assert numbers(client, url + "?sort=deadline")[0] == late.number
    for query, field in (
        ("department=XX", "department"),
        ("state=draft", "state"),
        ("sort=title", "sort"),
        (f"date_from={today.isoformat()}&date_to={early}", "date_to"),
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, query
        assert field in response.json()["error"]["fields"], query


def test_problem_ledger_rows_visibility_and_filters(demo, api):
    request = running_request(demo)
    first = report(demo, request, by="te_liaison", title="Designs late")
    second = report(demo, request, by="mt_staff", title="Budget", concerned=("TE",))
    issue_services.grade_problem(problem=second, by=demo["secretary"], grade=Grade.MAJOR)
    hidden = report(demo, running_request(demo, confidential=True), by="te_liaison")
    client = api(demo["secretary"])
    url = "/api/v1/ledgers/problems/"
    response = client.get(url)
    assert response.status_code == 200, response.content
    rows = {row["number"]: row for row in response.json()["results"]}
    assert set(rows) == {first.number, second.number}
    screen = {r["number"]: r for r in sources.problem_ledger_rows(demo["secretary"], {})}
    assert rows[second.number] == {**screen[second.number], "web_url": f"/problems/{second.pk}/"}
    assert set(ProblemRowSerializer().fields) - {"web_url"} <= set(screen[second.number])
    assert hidden.number in numbers(api(demo["te_liaison"]), url)
    assert numbers(api(demo["fi_staff"]), url) == []
    assert numbers(client, url + "?grade=ungraded") == [first.number]
    assert numbers(client, url + "?grade=major&state=open") == [second.number]
    assert numbers(client, url + "?department=PD") == [first.number]
    assert numbers(client, url + "?sort=grade")[0] == second.number
    assert client.get(url + "?grade=urgent").status_code == 400


@pytest.mark.parametrize("ledger", ["progress", "problems"])
def test_ledger_queries_constant_for_1_and_30(demo, api, ledger):
    client = api(demo["secretary"])
    url = f"/api/v1/ledgers/{ledger}/?page_size=50"
    request = running_request(demo)

    def add(n):
        for i in range(n):
            if ledger == "progress":
                make_request(demo, stage="in_progress", title=f"R{i}")
            else:
                report(demo, request, title=f"P{i}")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries), response.json()["count"]

    add(1)
    one, total = count()
    add(29)
    thirty, more = count()
    assert more == total + 29
    assert one == thirty


def test_excel_export_is_queued_then_downloaded_by_the_asker_only(
    demo, api, django_capture_on_commit_callbacks
):
    request = make_request(demo, stage="in_progress")
    client = api(demo["secretary"])
    url = "/api/v1/ledgers/progress/export/?state=in_progress"
    response = client.post(url, {"format": "xlsx"}, format="json")
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued"
    assert queued["download_url"] is None
    assert response["Location"].endswith(queued["status_url"])
    assert client.get(queued["status_url"]).json()["status"] == "queued"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"format": "xlsx"}, format="json")
    # The same data asked again is the same document; a failed or stuck one is retried.
    assert response.json()["key"] == queued["key"]
    document = Document.objects.get(key=queued["key"])
    if not document.is_ready:
        from archive_app import services as archive_services

        archive_services.render_document(document_id=document.pk)
    status = client.get(queued["status_url"]).json()
    assert status["status"] == "ready"
    assert status["rows"] == 1
    response = client.get(status["download_url"], HTTP_ACCEPT=XLSX)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert request.number in [c.value for row in sheet.iter_rows() for c in row]

    # Only those who asked for it (after their own visibility check) may read it.
    other = api(demo["te_staff"])
    assert other.get(queued["status_url"]).status_code == 404
    assert other.get(status["download_url"]).status_code == 404
    # Asked again with the same data: the finished file at once.
    response = client.post(url, {"format": "xlsx"}, format="json")
    assert response.status_code == 200
    assert response.json()["download_url"] == status["download_url"]


def test_export_checks_format_and_filters(demo, api):
    client = api(demo["secretary"])
    response = client.post("/api/v1/ledgers/problems/export/", {}, format="json")
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/ledgers/problems/export/?grade=urgent", {"format": "pdf"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        "/api/v1/ledgers/problems/export/?grade=major", {"format": "pdf"}, format="json"
    )
    assert response.status_code == 202
    assert response.json()["kind"] == "problem_pdf"
    response = client.get(f"/api/v1/documents/{response.json()['key']}/download/")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "queued"


def test_minutes_pdf_only_once_published_and_only_for_those_who_see_it(demo, api):
    meeting = issue_services.schedule_meeting(
        by=demo["secretary"],
        title="Hand-off",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        duration_minutes=60,
        place="Room 3",
        chair=demo["secretary"],
        attendees=[demo["te_liaison"]],
    )
    url = f"/api/v1/meetings/{meeting.pk}/pdf/"
    client = api(demo["te_liaison"])
    response = client.post(url, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "scheduled"
    issue_services.publish_minutes(meeting=meeting, by=demo["secretary"])
    response = client.post(url, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "minutes_pdf"
    assert api(demo["fi_staff"]).post(url, format="json").status_code == 404
