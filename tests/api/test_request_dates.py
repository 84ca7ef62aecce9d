"""Sensible dates through the API: the same rule and words as the request form, as
field errors (400). Dates are relative to timezone.localdate()."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from requests_app import services
from requests_app.dates import latest_deadline
from requests_app.models import Request, RequestEvent, State, events

from ..requests_app.factories import make_request
from ..tasks_app.factories import confirmed_request
from .conftest import etag_of, post_action
from .test_requests import create_body
from .test_tasks import plan

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def refused(response, field) -> str:
    """The reason given for `field` in a 400 validation error."""
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]
    return error["fields"][field][0]


def test_create_refuses_past_start_with_the_reason(demo, api):
    body = create_body(start_date=days(-3).isoformat())
    response = api(demo["mt_staff"]).post(URL, body, format="json")
    assert refused(response, "start_date").startswith("The start date is in the past.")
    assert not Request.objects.exists()


def test_create_accepts_past_start_when_recorded_late(demo, api):
    body = create_body(start_date=days(-3).isoformat(), recorded_late=True)
    response = api(demo["mt_staff"]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["start_date"] == days(-3).isoformat()
    assert "recorded_late" not in response.json()
    created = RequestEvent.objects.get(request_id=response.json()["id"], verb=events.CREATED)
    assert created.data == {"recorded_late": True}


def test_create_refuses_late_record_older_than_thirty_days(demo, api):
    body = create_body(start_date=days(-31).isoformat(), recorded_late=True)
    response = api(demo["mt_staff"]).post(URL, body, format="json")
    assert refused(response, "start_date").startswith(
        "A request recorded late can start at most 30 days ago"
    )


def test_create_refuses_past_deadline(demo, api):
    body = create_body(
        start_date=days(-5).isoformat(), deadline=days(-1).isoformat(), recorded_late=True
    )
    body["milestones"] = []
    response = api(demo["mt_staff"]).post(URL, body, format="json")
    assert refused(response, "deadline") == "The deadline cannot be in the past."


def test_create_refuses_deadline_before_start(demo, api):
    body = create_body(start_date=days(10).isoformat(), deadline=days(5).isoformat())
    response = api(demo["mt_staff"]).post(URL, body, format="json")
    assert refused(response, "deadline") == "The deadline cannot be before the start date."


def test_create_refuses_deadline_beyond_three_years(demo, api):
    far = latest_deadline(timezone.localdate()) + timedelta(days=1)
    response = api(demo["mt_staff"]).post(URL, create_body(deadline=far.isoformat()), format="json")
    assert refused(response, "deadline").startswith("The deadline can be at most 3 years ahead")


def test_create_refuses_milestone_outside_period_at_its_position(demo, api):
    body = create_body(
        milestones=[
            {"date": days(5).isoformat(), "description": "Beta"},
            {"date": days(31).isoformat(), "description": "After the deadline"},
        ]
    )
    response = api(demo["mt_staff"]).post(URL, body, format="json")
    assert response.status_code == 400
    rows = response.json()["error"]["fields"]["milestones"]
    assert rows[0] == {}
    assert rows[1] == {"date": ["Milestones must fall between the start date and the deadline."]}


def test_patch_refuses_past_deadline(demo, api):
    request = make_request(demo)
    client = api(demo["mt_staff"])
    response = client.patch(
        f"{URL}{request.pk}/",
        {"deadline": days(-1).isoformat()},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert refused(response, "deadline") == "The deadline cannot be in the past."
    request.refresh_from_db()
    assert request.deadline == days(30)


def test_patch_refuses_deadline_that_leaves_stored_milestones_outside(demo, api):
    request = make_request(demo, milestones=[(days(20), "Beta")])
    client = api(demo["mt_staff"])
    response = client.patch(
        f"{URL}{request.pk}/",
        {"deadline": days(10).isoformat()},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert refused(response, "milestones") == (
        "Milestones must fall between the start date and the deadline."
    )


def test_returned_request_with_old_start_is_edited_and_resubmitted(demo, api):
    request = make_request(demo, stage="head_review")
    services.return_request(request=request, by=demo["mt_head"], comment="Add detail")
    Request.objects.filter(pk=request.pk).update(start_date=days(-45))
    client = api(demo["mt_staff"])
    response = client.patch(
        f"{URL}{request.pk}/",
        {"title": "Revised", "start_date": days(-45).isoformat()},
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert response.status_code == 200, response.content
    response = post_action(client, request.pk, "submit")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.HEAD_REVIEW
    assert response.json()["start_date"] == days(-45).isoformat()


def test_submit_refuses_a_deadline_that_has_passed(demo, api):
    request = make_request(demo)
    Request.objects.filter(pk=request.pk).update(deadline=days(-1))
    response = post_action(api(demo["mt_staff"]), request.pk, "submit")
    assert refused(response, "deadline") == "The deadline cannot be in the past."
    request.refresh_from_db()
    assert request.state == State.DRAFT


def test_task_with_planned_finish_in_the_past_is_refused(demo, api):
    request = confirmed_request(demo)
    body = {
        **plan(planned_start=request.start_date.isoformat(), planned_finish=days(-1).isoformat()),
        "request": request.pk,
        "department": "te",
    }
    response = api(demo["te_head"]).post("/api/v1/tasks/", body, format="json")
    assert refused(response, "planned_finish") == "The planned finish cannot be in the past."
