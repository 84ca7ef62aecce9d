"""Tasks through the API: the same rules as the task pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tasks_app.models import DepartmentRating, TaskState

from ..tasks_app.factories import confirmed_request, make_task
from .conftest import etag_of

pytestmark = pytest.mark.django_db


def task_etag(client, pk):
    response = client.get(f"/api/v1/tasks/{pk}/")
    assert response.status_code == 200, response.content
    return response["ETag"]


def act(client, pk, name, body=None):
    return client.post(
        f"/api/v1/tasks/{pk}/{name}/",
        body or {},
        format="json",
        HTTP_IF_MATCH=task_etag(client, pk),
    )


def plan(**overrides):
    today = timezone.localdate()
    body = {
        "name": "Build the page",
        "owner": "te_staff",
        "collaborators": ["te_liaison"],
        "priority": "high",
        "planned_start": today.isoformat(),
        "planned_finish": (today + timedelta(days=7)).isoformat(),
        "deliverable_standard": "Works on mobile.",
    }
    body.update(overrides)
    return body


def test_head_breaks_down_and_the_task_runs_to_acceptance_and_rating(demo, api):
    request = confirmed_request(demo)
    response = api(demo["te_head"]).post(
        "/api/v1/tasks/", {**plan(), "request": request.pk, "department": "te"}, format="json"
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["number"] == f"{request.number}-01"
    assert task["owner"]["username"] == "te_staff"
    pk = task["id"]

    owner = api(demo["te_staff"])
    assert act(owner, pk, "start").json()["state"] == "in_progress"
    response = act(
        api(demo["te_liaison"]), pk, "progress", {"text": "Front end 30%", "percent": 30}
    )
    assert response.status_code == 200, response.content
    assert response.json()["progress_percent"] == 30
    response = act(owner, pk, "deliver", {"note": "Done", "links": ["https://intranet.example/p"]})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "delivered"

    requester = api(demo["mt_staff"])
    today = timezone.localdate()
    response = act(
        requester,
        pk,
        "reject",
        {"changes": "Mobile menu", "new_deadline": (today + timedelta(days=3)).isoformat()},
    )
    assert response.json()["state"] == "rework"
    assert act(owner, pk, "resume").json()["state"] == "in_progress"
    act(owner, pk, "deliver", {"links": ["https://intranet.example/p2"]})
    response = act(requester, pk, "accept", {"comment": "Thanks"})
    assert response.json()["state"] == "accepted"
    assert response.json()["rejection_rounds"] == 1

    response = requester.post(
        f"/api/v1/requests/{request.pk}/rate/",
        {"department": "TE", "speed": 5, "professionalism": 4, "cooperation": 5},
        format="json",
        HTTP_IF_MATCH=etag_of(requester, request.pk),
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "completed"
    assert DepartmentRating.objects.get(request=request).professionalism == 4


def test_only_the_head_of_a_confirmed_department_breaks_down(demo, api):
    request = confirmed_request(demo)
    body = {**plan(), "request": request.pk, "department": "TE"}
    assert api(demo["te_staff"]).post("/api/v1/tasks/", body, format="json").status_code == 403
    # Not addressed to PD; and a request nobody shows fi_staff does not exist for them.
    response = api(demo["pd_head"]).post(
        "/api/v1/tasks/", {**body, "department": "PD"}, format="json"
    )
    assert response.status_code == 400
    response = api(demo["fi_head"]).post("/api/v1/tasks/", body, format="json")
    assert response.status_code == 400
    assert "request" in response.json()["error"]["fields"]


def test_wrong_person_is_403_and_wrong_state_409(demo, api):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    assert act(api(demo["te_head"]), task.pk, "start").status_code == 403
    response = act(api(demo["te_staff"]), task.pk, "deliver", {"links": ["https://x.example"]})
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "todo"
    assert act(api(demo["mt_staff"]), task.pk, "accept").status_code == 409


def test_task_write_needs_if_match(demo, api):
    task = make_task(demo, confirmed_request(demo))
    client = api(demo["te_staff"])
    assert client.post(f"/api/v1/tasks/{task.pk}/start/", {}, format="json").status_code == 428
    response = client.post(
        f"/api/v1/tasks/{task.pk}/start/", {}, format="json", HTTP_IF_MATCH='"stale"'
    )
    assert response.status_code == 412
    task.refresh_from_db()
    assert task.state == TaskState.TODO


def test_head_edits_a_task_partially(demo, api):
    task = make_task(demo, confirmed_request(demo))
    client = api(demo["te_head"])
    response = client.patch(
        f"/api/v1/tasks/{task.pk}/",
        {"name": "Build and test the page"},
        format="json",
        HTTP_IF_MATCH=task_etag(client, task.pk),
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Build and test the page"
    assert response.json()["owner"]["username"] == "te_staff"


def test_tasks_of_a_confidential_request_are_invisible(demo, api):
    request = confirmed_request(demo, confidential=True)
    task = make_task(demo, request)
    assert api(demo["te_staff"]).get(f"/api/v1/tasks/{task.pk}/").status_code == 200  # owner
    assert api(demo["secretary"]).get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert api(demo["secretary"]).get("/api/v1/tasks/").json()["count"] == 0


@pytest.mark.parametrize(
    "name", ["te_head", "te_staff", "te_liaison", "mt_staff", "pd_staff", "secretary", "fi_head"]
)
def test_task_visibility_and_actions_match_the_pages(demo, api, name):
    task = make_task(demo, confirmed_request(demo))
    ui = Client()
    ui.force_login(demo[name])
    page = ui.get(f"/tasks/{task.pk}/").status_code
    response = api(demo[name]).get(f"/api/v1/tasks/{task.pk}/")
    assert page == response.status_code
    ui_codes = {200: "may", 302: "stale", 403: "forbidden", 404: "invisible"}
    api_codes = {400: "may", 409: "stale", 403: "forbidden", 404: "invisible"}
    etag = task_etag(api(demo["te_head"]), task.pk)
    for action in ("start", "progress", "deliver", "accept", "reject", "cancel"):
        ui_status = ui.get(f"/tasks/{task.pk}/{action}/").status_code
        api_status = (
            api(demo[name])
            .post(
                f"/api/v1/tasks/{task.pk}/{action}/",
                {"comment": ["x"], "text": ["x"], "links": "x", "changes": ["x"], "reason": ["x"]},
                format="json",
                HTTP_IF_MATCH=etag,
            )
            .status_code
        )
        assert ui_codes[ui_status] == api_codes.get(api_status, api_status), (
            action,
            ui_status,
            api_status,
        )
