"""Problems through the API: the same services and rules as the problem pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collab.workdays import calendar
from issues_app import services
from issues_app.models import Grade, Problem, ProblemState

from ..issues_app.factories import make_task, report, running_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test reads the working-day calendar from its own database state."""
    calendar.invalidate()
    yield
    calendar.invalidate()


def problem_etag(client, pk):
    response = client.get(f"/api/v1/problems/{pk}/")
    assert response.status_code == 200, response.content
    return response["ETag"]


def act(client, pk, name, body=None, *, etag=None):
    return client.post(
        f"/api/v1/problems/{pk}/{name}/",
        body or {},
        format="json",
        HTTP_IF_MATCH=etag or problem_etag(client, pk),
    )


def file_problem(client, request, **overrides):
    body = {
        "request": request.pk,
        "title": "Design files arrive late",
        "category": "information",
        "description": "The product team has not sent the final designs.",
        "impact": "Front end work is blocked since Monday.",
        "departments": ["PD"],
    }
    body.update(overrides)
    return client.post("/api/v1/problems/", body, format="json")


def test_problem_runs_from_report_to_confirmed_resolution(demo, api):
    request = running_request(demo)
    response = file_problem(api(demo["te_liaison"]), request)
    assert response.status_code == 201, response.content
    problem = response.json()
    pk = problem["id"]
    assert problem["number"] == f"{request.number}-Q01"
    assert problem["state"] == "reported"
    assert problem["status"] == "pending"
    assert [d["department"]["code"] for d in problem["departments"]] == ["PD"]
    assert response["Location"].endswith(f"/api/v1/problems/{pk}/")
    assert response["ETag"]

    secretary = api(demo["secretary"])
    assert "grade" in secretary.get(f"/api/v1/problems/{pk}/").json()["actions"]
    response = act(secretary, pk, "grade", {"grade": "general", "comment": "Settle it"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "open"
    assert response.json()["owner"]["username"] == "mt_head"  # the lead department's head

    response = act(api(demo["pd_liaison"]), pk, "respond", {"text": "Designs come Friday."})
    assert response.status_code == 200, response.content
    assert response.json()["departments"][0]["responded_by"]["username"] == "pd_liaison"

    owner = api(demo["mt_head"])
    assert act(owner, pk, "propose", {"text": "Build with drafts."}).status_code == 200
    response = act(owner, pk, "decide", {"text": "Drafts now, finals Friday."})
    assert [e["kind"] for e in response.json()["entries"]] == ["response", "proposal", "decision"]
    response = act(owner, pk, "resolve", {"resolution": "Designs delivered."})
    assert response.json()["state"] == "resolved"

    reporter = api(demo["te_liaison"])
    response = act(reporter, pk, "reopen", {"reason": "Only half of them."})
    assert response.json()["state"] == "open"
    assert response.json()["resolution"] == ""
    act(owner, pk, "resolve", {"resolution": "All designs delivered."})
    response = act(reporter, pk, "confirm", {"comment": "Thanks"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    assert response.json()["closed_by"]["username"] == "te_liaison"
    verbs = [e["verb"] for e in response.json()["timeline"]]
    assert verbs[0] == "issues.problem.reported"
    assert verbs[-1] == "issues.problem.confirmed"


def test_report_on_a_task_defaults_to_its_department(demo, api):
    request = running_request(demo)
    task = make_task(demo, request)
    client = api(demo["mt_staff"])
    payload = {
        "request": request.pk,
        "task": task.pk,
        "title": "Scope unclear",
        "category": "boundary",
        "description": "Who writes the copy?",
        "impact": "Copy is missing.",
    }
    response = client.post("/api/v1/problems/", payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["task"] == {"id": task.pk, "number": task.number, "name": task.name}
    assert [d["department"]["code"] for d in data["departments"]] == ["TE"]
    payload.pop("task")
    response = client.post("/api/v1/problems/", payload, format="json")
    assert [d["department"]["code"] for d in response.json()["departments"]] == ["PD", "TE"]


def test_report_refuses_what_the_page_refuses(demo, api):
    request = running_request(demo)
    other = running_request(demo, title="Other")
    task = make_task(demo, other)
    client = api(demo["te_liaison"])
    response = file_problem(client, request, task=task.pk)
    assert response.status_code == 400
    assert "task" in response.json()["error"]["fields"]
    # A request fi_staff may not see does not exist for them.
    response = file_problem(api(demo["fi_staff"]), request)
    assert response.status_code == 400
    assert "request" in response.json()["error"]["fields"]
    response = file_problem(client, request, departments=["XX"])
    assert response.status_code == 400
    assert "departments" in response.json()["error"]["fields"]
    assert Problem.objects.count() == 0


def test_report_on_a_request_not_running_is_409(demo, api):
    from ..requests_app.factories import make_request

    request = make_request(demo, stage="head_review")
    response = file_problem(api(demo["mt_staff"]), request)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert response.json()["error"]["current_state"] == "head_review"


def test_problem_write_needs_if_match_and_a_fresh_one(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison")
    client = api(demo["secretary"])
    url = f"/api/v1/problems/{problem.pk}/grade/"
    response = client.post(url, {"grade": "general"}, format="json")
    assert response.status_code == 428
    stale = problem_etag(client, problem.pk)
    services.respond(
        problem=problem,
        department=problem.departments.get().department,
        by=demo["pd_liaison"],
        text="On it.",
    )
    response = client.post(url, {"grade": "general"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["error"]["current_etag"] == response["ETag"]
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED
    assert client.get(f"/api/v1/problems/{problem.pk}/", HTTP_IF_NONE_MATCH=stale).status_code == (
        200
    )
    fresh = problem_etag(client, problem.pk)
    response = client.get(f"/api/v1/problems/{problem.pk}/", HTTP_IF_NONE_MATCH=fresh)
    assert response.status_code == 304


def test_wrong_person_is_403_and_wrong_state_409(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison")
    response = act(api(demo["te_head"]), problem.pk, "grade", {"grade": "major"})
    assert response.status_code == 403
    response = act(api(demo["te_liaison"]), problem.pk, "confirm")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current_state"] == "reported"


def test_escalate_by_hand_needs_a_reason(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison")
    services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    head = api(demo["pd_head"])
    response = act(head, problem.pk, "escalate", {"reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = act(head, problem.pk, "escalate", {"reason": "Blocks the release."})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["grade"] == "important"
    assert data["owner"]["username"] == "secretary"
    event = data["timeline"][-1]
    assert event["verb"] == "issues.problem.escalated"
    assert event["comment"] == "Blocks the release."
    assert act(api(demo["te_staff"]), problem.pk, "escalate", {"reason": "x"}).status_code == 403


def test_referral_to_the_division_leader_and_ruling(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison")
    services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    response = act(api(demo["te_head"]), problem.pk, "refer", {"reason": "Who pays?"})
    assert response.status_code == 200, response.content
    assert response.json()["referred_to"]["username"] == "leader1"
    assert response.json()["referral_pending"] is True
    assert act(api(demo["mt_head"]), problem.pk, "rule", {"ruling": "x"}).status_code == 403
    response = act(api(demo["leader1"]), problem.pk, "rule", {"ruling": "TE pays."})
    assert response.status_code == 200, response.content
    assert response.json()["ruling"] == "TE pays."
    assert response.json()["referral_pending"] is False


def test_major_problem_gets_an_owner_and_deadline(demo, api):
    import datetime

    from django.utils import timezone

    problem = report(demo, running_request(demo), by="te_liaison")
    services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.MAJOR)
    client = api(demo["leader1"])  # the coordination group leader
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    response = act(client, problem.pk, "assign", {"owner": "te_head", "deadline": "2000-01-01"})
    assert response.status_code == 400
    assert "deadline" in response.json()["error"]["fields"]
    response = act(
        client, problem.pk, "assign", {"owner": "te_head", "deadline": deadline.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert response.json()["owner"]["username"] == "te_head"
    assert response.json()["due_at"].startswith(deadline.isoformat())


def test_secretary_closes_a_duplicate_with_the_reason(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison")
    response = act(api(demo["secretary"]), problem.pk, "close", {"reason": "Duplicate of Q01."})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    assert response.json()["resolution"] == "Duplicate of Q01."


def test_respond_names_the_department_when_there_is_a_choice(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison", concerned=("PD", "TE"))
    # te_head answers for TE only; a department not concerned is a field error.
    client = api(demo["pd_head"])
    response = act(client, problem.pk, "respond", {"department": "FI", "text": "x"})
    assert response.status_code == 400
    assert "department" in response.json()["error"]["fields"]
    response = act(client, problem.pk, "respond", {"department": "TE", "text": "x"})
    assert response.status_code == 403
    response = act(client, problem.pk, "respond", {"department": "pd", "text": "Fine."})
    assert response.status_code == 200, response.content


# --- list ---------------------------------------------------------------------------------


def test_list_filters_and_orders(demo, api):
    request = running_request(demo)
    first = report(demo, request, by="te_liaison", title="Alpha blocked")
    second = report(demo, request, by="mt_staff", title="Beta late", concerned=("TE",))
    services.grade_problem(problem=second, by=demo["secretary"], grade=Grade.IMPORTANT)
    client = api(demo["secretary"])

    def ids(query=""):
        response = client.get(f"/api/v1/problems/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [second.pk, first.pk]
    assert ids("ordering=reported_at") == [first.pk, second.pk]
    assert ids("grade=ungraded") == [first.pk]
    assert ids("grade=important&state=open") == [second.pk]
    assert ids("department=PD") == [first.pk]
    assert ids("q=beta") == [second.pk]
    assert ids(f"q={request.number}") == [second.pk, first.pk]
    assert ids("overdue=true") == []
    assert api(demo["mt_staff"]).get("/api/v1/problems/?mine=true").json()["count"] == 1
    page = client.get("/api/v1/problems/?page_size=1&page=2").json()
    assert page["count"] == 2
    assert [row["id"] for row in page["results"]] == [first.pk]
    response = client.get("/api/v1/problems/?grade=urgent")
    assert response.status_code == 400
    assert "grade" in response.json()["error"]["fields"]


def test_list_queries_constant_for_1_and_30(demo, api):
    request = running_request(demo)
    task = make_task(demo, request)
    client = api(demo["secretary"])

    def count():
        client.get("/api/v1/problems/?page_size=50")  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/problems/?page_size=50")
        assert response.status_code == 200
        return len(captured.captured_queries), response.json()["count"]

    def add(n):
        for i in range(n):
            problem = report(demo, request, title=f"P{i}", concerned=("PD", "TE"), task=task)
            services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)

    add(1)
    one, total = count()
    assert total == 1
    add(29)
    thirty, total = count()
    assert total == 30
    assert one == thirty


def test_attachment_downloads_for_those_who_see_the_problem(demo, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    request = running_request(demo, confidential=True)
    problem = report(demo, request, by="te_liaison", files=[upload])
    client = api(demo["pd_head"])
    [attachment] = client.get(f"/api/v1/problems/{problem.pk}/").json()["attachments"]
    assert attachment["name"] == "plan.pdf"
    response = client.get(attachment["download_url"], HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert "plan.pdf" in response["Content-Disposition"]
    response = api(demo["secretary"]).get(attachment["download_url"])  # not named on it
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    other = f"/api/v1/problems/{problem.pk}/attachments/{attachment['id'] + 1}/"
    assert client.get(other).status_code == 404
