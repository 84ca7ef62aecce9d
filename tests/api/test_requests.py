from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import Answer, Clarification, Request, RequestEvent, State

from ..requests_app.factories import make_request, request_fields
from .conftest import etag_of, post_action

pytestmark = pytest.mark.django_db


def create_body(**overrides):
    today = timezone.localdate()
    fields = request_fields(
        start_date=today.isoformat(), deadline=(today + timedelta(days=30)).isoformat()
    )
    body = {
        **fields,
        "departments": [{"department": "TE"}, {"department": "PD", "contact": "pd_staff"}],
        "milestones": [{"date": (today + timedelta(days=10)).isoformat(), "description": "Beta"}],
    }
    body.update(overrides)
    return body


# --- filing and editing --------------------------------------------------------------


def test_create_saves_a_draft_through_the_service(demo, api):
    response = api(demo["mt_staff"]).post("/api/v1/requests/", create_body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft"
    assert data["number"] is None
    assert data["requester"]["username"] == "mt_staff"
    assert data["requesting_department"]["code"] == "MT"
    assert [(d["department"]["code"], d["contact"]["username"]) for d in data["departments"]] == [
        ("PD", "pd_staff"),
        ("TE", "te_liaison"),
    ]
    assert data["milestones"][0]["description"] == "Beta"
    assert response["ETag"]
    assert response["Location"].endswith(f"/api/v1/requests/{data['id']}/")
    assert RequestEvent.objects.filter(request_id=data["id"], verb__endswith="created").exists()
    assert data["actions"] == ["edit", "submit", "withdraw"]


def test_create_rejects_own_department_with_field_error(demo, api):
    body = create_body(departments=[{"department": "MT"}])
    response = api(demo["mt_staff"]).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "departments" in error["fields"]
    assert error["message"]


def test_create_validates_fields_with_field_errors(demo, api):
    body = create_body(title="", type="nonsense", departments=[{"department": "XX"}])
    response = api(demo["mt_staff"]).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"title", "type", "departments"} <= set(fields)


def test_create_resource_request_needs_benefit(demo, api):
    body = create_body(type="resource")
    response = api(demo["mt_staff"]).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() & {"expected_benefit", "usage_period"}


def test_create_without_department_is_forbidden(demo, api):
    response = api(demo["admin"]).post("/api/v1/requests/", create_body(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_patch_draft_changes_only_given_fields(demo, api):
    request = make_request(demo)
    client = api(demo["mt_staff"])
    response = client.patch(
        f"/api/v1/requests/{request.pk}/",
        {"title": "New title"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert response.status_code == 200, response.content
    request.refresh_from_db()
    assert request.title == "New title"
    assert request.departments.count() == 2
    assert response.json()["title"] == "New title"


def test_patch_by_someone_else_is_forbidden(demo, api):
    request = make_request(demo, stage="head_review")
    client = api(demo["mt_head"])
    response = client.patch(
        f"/api/v1/requests/{request.pk}/",
        {"title": "Hijacked"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.title != "Hijacked"


def test_patch_after_submission_is_invalid_transition(demo, api):
    request = make_request(demo, stage="head_review")
    client = api(demo["mt_staff"])
    response = client.patch(
        f"/api/v1/requests/{request.pk}/",
        {"title": "Too late"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "invalid_transition",
        "message": response.json()["error"]["message"],
        "current_state": "head_review",
    }


def test_state_cannot_be_written(demo, api):
    request = make_request(demo)
    client = api(demo["mt_staff"])
    response = client.patch(
        f"/api/v1/requests/{request.pk}/",
        {"state": "in_progress", "number": "MT999"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.state == State.DRAFT
    assert request.number is None


# --- ETag / If-Match -----------------------------------------------------------------


def test_write_without_if_match_is_428(demo, api):
    request = make_request(demo)
    response = api(demo["mt_staff"]).post(
        f"/api/v1/requests/{request.pk}/submit/", {}, format="json"
    )
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"
    request.refresh_from_db()
    assert request.state == State.DRAFT


def test_write_with_stale_etag_is_412_and_changes_nothing(demo, api):
    request = make_request(demo)
    client = api(demo["mt_staff"])
    stale = etag_of(client, request.pk)
    response = client.patch(
        f"/api/v1/requests/{request.pk}/", {"title": "First"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 200
    assert response["ETag"] != stale
    response = client.patch(
        f"/api/v1/requests/{request.pk}/", {"title": "Second"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    error = response.json()["error"]
    assert error["code"] == "precondition_failed"
    assert error["current_etag"] == etag_of(client, request.pk)
    request.refresh_from_db()
    assert request.title == "First"


def test_etag_changes_when_a_department_answers(demo, api):
    """An answer that does not move the request's state still changes its version."""
    request = make_request(demo, stage="awaiting_confirmation")
    client = api(demo["mt_staff"])
    before = etag_of(client, request.pk)
    response = post_action(api(demo["te_liaison"]), request.pk, "confirm", {"department": "TE"})
    assert response.status_code == 200, response.content
    request.refresh_from_db()
    assert request.state == State.AWAITING_CONFIRMATION
    assert etag_of(client, request.pk) != before


def test_if_none_match_gives_304(demo, api):
    request = make_request(demo)
    client = api(demo["mt_staff"])
    etag = etag_of(client, request.pk)
    response = client.get(f"/api/v1/requests/{request.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


# --- transitions -----------------------------------------------------------------------


def test_full_front_half_through_the_api(demo, api):
    created = api(demo["mt_staff"]).post("/api/v1/requests/", create_body(), format="json")
    pk = created.json()["id"]
    response = post_action(api(demo["mt_staff"]), pk, "submit", {"comment": "Please"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "head_review"
    assert response.json()["number"].startswith("MT")

    response = post_action(api(demo["mt_head"]), pk, "approve")
    assert response.json()["state"] == "leader_review"
    response = post_action(api(demo["leader1"]), pk, "approve")
    assert response.json()["state"] == "awaiting_confirmation"

    response = post_action(
        api(demo["te_liaison"]), pk, "ask", {"department": "TE", "question": "Which browsers?"}
    )
    assert response.status_code == 200, response.content
    question = response.json()["clarifications"][0]
    assert question["department"] == "TE"
    response = post_action(
        api(demo["mt_staff"]),
        pk,
        "answer",
        {"clarification": question["id"], "answer": "Chrome and Safari"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["clarifications"][0]["answer"] == "Chrome and Safari"

    assert post_action(api(demo["te_liaison"]), pk, "confirm").status_code == 200
    # pd_staff is the named contact of PD and answers for it.
    response = post_action(api(demo["pd_staff"]), pk, "confirm", {"department": "PD"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_progress"


def test_return_needs_a_comment(demo, api):
    request = make_request(demo, stage="head_review")
    response = post_action(api(demo["mt_head"]), request.pk, "return", {})
    assert response.status_code == 400
    assert "comment" in response.json()["error"]["fields"]
    response = post_action(api(demo["mt_head"]), request.pk, "return", {"comment": "Too vague"})
    assert response.status_code == 200
    assert response.json()["state"] == "returned"


def test_decline_returns_the_request_with_the_reason(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    response = post_action(api(demo["te_head"]), request.pk, "decline", {"text": "No capacity"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "returned"
    te = next(d for d in response.json()["departments"] if d["department"]["code"] == "TE")
    assert (te["answer"], te["answer_text"]) == ("declined", "No capacity")


def test_adjust_needs_text(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    response = post_action(api(demo["te_head"]), request.pk, "adjust", {"department": "TE"})
    assert response.status_code == 400
    assert "text" in response.json()["error"]["fields"]


def test_second_approval_is_409_with_current_state(demo, api):
    request = make_request(demo, stage="head_review")
    head = api(demo["mt_head"])
    etag = etag_of(head, request.pk)
    assert post_action(head, request.pk, "approve", etag=etag).status_code == 200
    response = post_action(head, request.pk, "approve")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current_state"] == "leader_review"
    assert "马经理" in error["message"]  # says who got there first


def test_answer_twice_is_409(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    assert post_action(api(demo["te_liaison"]), request.pk, "confirm").status_code == 200
    response = post_action(api(demo["te_head"]), request.pk, "confirm", {"department": "TE"})
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "awaiting_confirmation"


def test_answering_for_another_department_is_forbidden(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    response = post_action(api(demo["te_liaison"]), request.pk, "confirm", {"department": "PD"})
    assert response.status_code == 403
    assert request.departments.get(department__code="PD").answer == Answer.PENDING


def test_unknown_question_is_a_field_error(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    response = post_action(
        api(demo["mt_staff"]), request.pk, "answer", {"clarification": 999999, "answer": "x"}
    )
    assert response.status_code == 400
    assert "clarification" in response.json()["error"]["fields"]
    assert not Clarification.objects.exists()


def test_withdraw_by_requester(demo, api):
    request = make_request(demo, stage="leader_review")
    response = post_action(api(demo["mt_staff"]), request.pk, "withdraw")
    assert response.status_code == 200
    assert Request.objects.get(pk=request.pk).state == State.WITHDRAWN


def test_cancel_by_division_leader_needs_a_reason(demo, api):
    request = make_request(demo, stage="in_progress")
    leader = api(demo["leader1"])
    missing = post_action(leader, request.pk, "cancel")
    assert missing.status_code == 400
    assert "comment" in missing.json()["error"]["fields"]
    done = post_action(leader, request.pk, "cancel", {"comment": "Budget withdrawn."})
    assert done.status_code == 200
    assert Request.objects.get(pk=request.pk).state == State.CANCELLED
    again = post_action(leader, request.pk, "cancel", {"comment": "Again."})
    assert again.status_code == 409
    assert again.json()["error"]["current_state"] == State.CANCELLED


def test_cancel_by_requester_is_forbidden(demo, api):
    request = make_request(demo, stage="in_progress")
    response = post_action(api(demo["mt_staff"]), request.pk, "cancel", {"comment": "x"})
    assert response.status_code == 403
    assert Request.objects.get(pk=request.pk).state == State.IN_PROGRESS


# --- list, filters, search, ordering ------------------------------------------------


def test_list_filters_search_and_orders(demo, api):
    first = make_request(demo, stage="head_review", title="Alpha launch", priority="high")
    second = make_request(demo, stage="head_review", title="Beta survey", priority="low")
    make_request(demo, requester="fi_staff", to=("HR",), stage="head_review", title="Budget")
    client = api(demo["mt_head"])
    ids = lambda r: [row["id"] for row in r.json()["results"]]  # noqa: E731

    assert ids(client.get("/api/v1/requests/")) == [second.pk, first.pk]
    assert ids(client.get("/api/v1/requests/", {"ordering": "created_at"})) == [
        first.pk,
        second.pk,
    ]
    assert ids(client.get("/api/v1/requests/", {"q": "alpha"})) == [first.pk]
    assert ids(client.get("/api/v1/requests/", {"q": first.number})) == [first.pk]
    assert ids(client.get("/api/v1/requests/", {"priority": "low"})) == [second.pk]
    assert ids(client.get("/api/v1/requests/", {"role": "review"})) == [second.pk, first.pk]
    assert ids(client.get("/api/v1/requests/", {"department": "TE"})) == [second.pk, first.pk]
    assert ids(client.get("/api/v1/requests/", {"state": "draft"})) == []


def test_list_rejects_unknown_filter_values(demo, api):
    response = api(demo["mt_head"]).get("/api/v1/requests/", {"state": "nope", "ordering": "pk"})
    assert response.status_code == 400
    assert {"state", "ordering"} <= set(response.json()["error"]["fields"])


def test_list_paginates(demo, api):
    for _ in range(3):
        make_request(demo)
    response = api(demo["mt_staff"]).get("/api/v1/requests/", {"page_size": 2})
    data = response.json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]
    assert api(demo["mt_staff"]).get("/api/v1/requests/", {"page": 9}).status_code == 404


@pytest.mark.parametrize("size", ["0", "101", "-1", "x", ""])
def test_page_size_outside_the_documented_range_is_refused(demo, api, size):
    response = api(demo["mt_staff"]).get(f"/api/v1/requests/?page_size={size}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "page_size" in error["fields"]


def test_page_size_range_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/requests/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert parameters["page"]["schema"]["minimum"] == 1
