"""The API side of the fair request clocks: the `acknowledge` action and the paused
response clock on the department rows."""

import datetime

import pytest

from requests_app import services
from requests_app.models import RequestDepartment, RequestEvent, events

from ..requests_app.factories import make_request
from .conftest import etag_of, post_action

pytestmark = pytest.mark.django_db


def te_row(data):
    return next(d for d in data["departments"] if d["department"]["code"] == "TE")


def test_liaison_acknowledges_receipt(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    client = api(demo["te_liaison"])
    assert te_row(client.get(f"/api/v1/requests/{request.pk}/").json())["can_acknowledge"]
    response = post_action(client, request.pk, "acknowledge", {"comment": "On it tomorrow."})
    assert response.status_code == 200, response.content
    row = te_row(response.json())
    assert row["acknowledged_by"]["username"] == "te_liaison"
    assert row["acknowledged_at"] and row["acknowledge_due"]
    assert row["answer"] == "pending" and row["can_acknowledge"] is False
    assert response["ETag"] == etag_of(api(demo["mt_staff"]), request.pk)
    assert RequestEvent.objects.get(request=request, verb=events.ACKNOWLEDGED).comment == (
        "On it tomorrow."
    )


def test_second_acknowledgement_is_409_saying_who_was_first(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    assert post_action(api(demo["te_liaison"]), request.pk, "acknowledge").status_code == 200
    response = post_action(api(demo["te_head"]), request.pk, "acknowledge", {"department": "TE"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current_state"] == "awaiting_confirmation"
    assert "already acknowledged" in error["message"]
    assert demo["te_liaison"].name in error["message"]


def test_acknowledge_needs_if_match(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    response = api(demo["te_liaison"]).post(
        f"/api/v1/requests/{request.pk}/acknowledge/", {}, format="json"
    )
    assert response.status_code == 428
    assert not RequestDepartment.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("person", "body", "status"),
    [
        ("pd_staff", {"department": "TE"}, 403),  # sees it, answers for PD only
        ("te_liaison", {"department": "PD"}, 403),
        ("fi_staff", {"department": "TE"}, 404),
    ],
)
def test_acknowledge_for_another_department_is_refused(demo, api, person, body, status):
    request = make_request(demo, stage="awaiting_confirmation")
    etag = etag_of(api(demo["mt_staff"]), request.pk)  # someone who sees it
    response = post_action(api(demo[person]), request.pk, "acknowledge", body, etag=etag)
    assert response.status_code == status
    assert not RequestDepartment.objects.filter(acknowledged_at__isnull=False).exists()


def test_acknowledge_after_all_confirmed_is_409(demo, api):
    request = make_request(demo, stage="in_progress")
    response = post_action(api(demo["te_liaison"]), request.pk, "acknowledge")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "in_progress"


def test_department_rows_show_the_paused_clock(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    client = api(demo["mt_staff"])
    due = te_row(client.get(f"/api/v1/requests/{request.pk}/").json())["response_due"]
    asked = post_action(api(demo["te_liaison"]), request.pk, "ask", {"question": "Which OS?"})
    assert asked.status_code == 200, asked.content
    row = te_row(client.get(f"/api/v1/requests/{request.pk}/").json())
    assert row["clock_paused"] is True and row["overdue"] is False
    assert row["paused_for"] == 0
    assert row["acknowledged_by"]["username"] == "te_liaison"  # the question counts

    clarification = request.clarifications.get()
    paused_at = RequestDepartment.objects.get(
        request=request, department__code="TE"
    ).clock_paused_at
    services.answer_clarification(
        clarification=clarification,
        by=demo["mt_staff"],
        answer="Linux.",
        now=paused_at + datetime.timedelta(hours=2),
    )
    row = te_row(client.get(f"/api/v1/requests/{request.pk}/").json())
    assert row["clock_paused"] is False
    assert row["paused_for"] == 7200
    moved = datetime.datetime.fromisoformat(row["response_due"])
    assert moved - datetime.datetime.fromisoformat(due) == datetime.timedelta(hours=2)
