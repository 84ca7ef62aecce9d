"""Meetings, minutes and action items through the API: the same services and rules as
the meeting pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collab.workdays import calendar
from issues_app import services
from issues_app.models import ActionItem, AgendaItem, MeetingKind, MeetingState

from ..issues_app.factories import report, running_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def meeting_etag(client, pk):
    response = client.get(f"/api/v1/meetings/{pk}/")
    assert response.status_code == 200, response.content
    return response["ETag"]


def act(client, pk, name, body=None, *, etag=None):
    return client.post(
        f"/api/v1/meetings/{pk}/{name}/",
        body or {},
        format="json",
        HTTP_IF_MATCH=etag or meeting_etag(client, pk),
    )


def schedule_body(**overrides):
    body = {
        "kind": "coordination",
        "title": "Hand-off",
        "starts_at": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
        "duration_minutes": 60,
        "place": "Room 3",
        "chair": "secretary",
        "attendees": ["te_liaison", "pd_liaison"],
    }
    body.update(overrides)
    return body


def past_meeting(demo, **overrides):
    values = {
        "by": demo["secretary"],
        "title": "Hand-off",
        "kind": MeetingKind.COORDINATION,
        "starts_at": timezone.now() - datetime.timedelta(hours=3),
        "duration_minutes": 60,
        "place": "Room 3",
        "chair": demo["secretary"],
        "attendees": [demo["te_liaison"], demo["pd_liaison"]],
    }
    values.update(overrides)
    return services.schedule_meeting(**values)


def test_secretary_schedules_a_meeting_about_a_problem(demo, api):
    problem = report(demo, running_request(demo), by="te_liaison")
    client = api(demo["secretary"])
    response = client.post("/api/v1/meetings/", schedule_body(problems=[problem.pk]), format="json")
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert response["ETag"]
    assert meeting["state"] == "scheduled"
    assert meeting["kind"] == "coordination"
    assert {a["user"]["username"] for a in meeting["attendees"]} == {
        "secretary",
        "te_liaison",
        "pd_liaison",
    }
    assert meeting["agenda"][0]["topic"] == f"{problem.number} {problem.title}"
    assert meeting["agenda"][0]["problem"]["id"] == problem.pk
    assert meeting["actions"] == ["agenda", "minutes", "publish", "cancel"]
    pk = meeting["id"]
    assert api(demo["te_liaison"]).get(f"/api/v1/meetings/{pk}/").json()["actions"] == []
    assert api(demo["te_staff"]).get(f"/api/v1/meetings/{pk}/").status_code == 404


def test_only_the_secretary_schedules_and_the_form_rules_hold(demo, api):
    response = api(demo["te_head"]).post("/api/v1/meetings/", schedule_body(), format="json")
    assert response.status_code == 403
    client = api(demo["secretary"])
    response = client.post("/api/v1/meetings/", schedule_body(kind="milestone"), format="json")
    assert response.status_code == 400
    assert {"request", "milestone_stage"} <= set(response.json()["error"]["fields"])
    response = client.post(
        "/api/v1/meetings/", schedule_body(kind="weekly", duration_minutes=120), format="json"
    )
    assert response.status_code == 400
    assert "duration_minutes" in response.json()["error"]["fields"]
    response = client.post("/api/v1/meetings/", schedule_body(repeat_weekly=True), format="json")
    assert "repeat_weekly" in response.json()["error"]["fields"]
    response = client.post("/api/v1/meetings/", schedule_body(attendees=[]), format="json")
    assert "attendees" in response.json()["error"]["fields"]
    # A confidential problem the secretary may not see cannot go on the agenda.
    hidden = report(demo, running_request(demo, confidential=True), by="te_liaison")
    response = client.post("/api/v1/meetings/", schedule_body(problems=[hidden.pk]), format="json")
    assert response.status_code == 400
    assert "problems" in response.json()["error"]["fields"]


def test_milestone_meeting_minutes_publish_sign_off_and_action_item(demo, api):
    request = running_request(demo)
    problem = report(demo, request, by="te_liaison")
    client = api(demo["secretary"])
    start = timezone.now() - datetime.timedelta(hours=2)
    response = client.post(
        "/api/v1/meetings/",
        schedule_body(
            kind="milestone",
            title="Kick-off",
            starts_at=start.isoformat(),
            request=request.pk,
            milestone_stage="kickoff",
            attendees=["te_liaison", "pd_head"],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["request"]["number"] == request.number
    assert response.json()["request_number"] == request.number

    response = act(client, pk, "agenda", {"problem": problem.pk})
    assert response.status_code == 200, response.content
    response = act(client, pk, "agenda", {"title": "Next steps"})
    item_ids = [item["id"] for item in response.json()["agenda"]]
    assert len(item_ids) == 2
    deadline = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = act(
        client,
        pk,
        "minutes",
        {
            "summary": "Everyone reported.",
            "present": ["te_liaison", "secretary"],
            "decisions": [{"agenda_item": item_ids[0], "decision": "PD sends designs."}],
            "action_items": [
                {
                    "title": "Send designs",
                    "owner": "pd_head",
                    "deadline": deadline,
                    "problem": problem.pk,
                }
            ],
        },
    )
    assert response.status_code == 200, response.content
    meeting = response.json()
    assert meeting["summary"] == "Everyone reported."
    present = {a["user"]["username"]: a["present"] for a in meeting["attendees"]}
    assert present == {"secretary": True, "te_liaison": True, "pd_head": False}
    assert meeting["agenda"][0]["decision"] == "PD sends designs."
    [action] = meeting["action_items"]
    assert action["owner"]["username"] == "pd_head"
    assert action["request"]["id"] == request.pk  # taken from the problem

    # A second save changes only what it sends.
    response = act(
        client, pk, "minutes", {"action_items": [{"id": action["id"], "title": "Send all designs"}]}
    )
    assert response.status_code == 200, response.content
    meeting = response.json()
    assert meeting["summary"] == "Everyone reported."
    assert meeting["action_items"][0]["title"] == "Send all designs"
    assert meeting["action_items"][0]["deadline"] == deadline
    assert meeting["action_items"][0]["problem"]["id"] == problem.pk
    assert {a["user"]["username"] for a in meeting["attendees"] if a["present"]} == {
        "secretary",
        "te_liaison",
    }

    owner = api(demo["pd_head"])
    response = owner.post(
        f"/api/v1/action-items/{action['id']}/complete/",
        {},
        format="json",
        HTTP_IF_MATCH=owner.get(f"/api/v1/action-items/{action['id']}/")["ETag"],
    )
    assert response.status_code == 409  # the minutes are not published yet

    response = act(client, pk, "publish")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published"
    assert response.json()["actions"] == []
    assert problem.entries.filter(kind="decision", text="PD sends designs.").exists()
    assert act(client, pk, "minutes", {"summary": "Too late"}).status_code == 409

    etag = meeting_etag(client, pk)
    assert act(api(demo["mt_head"]), pk, "sign-off", etag=etag).status_code == 404  # not invited
    assert act(api(demo["te_liaison"]), pk, "sign-off").status_code == 403
    leader = api(demo["leader1"])  # the coordination group leader
    assert "sign_off" in leader.get(f"/api/v1/meetings/{pk}/").json()["actions"]
    response = act(leader, pk, "sign-off", {"comment": "Agreed."})
    assert response.status_code == 200, response.content
    assert response.json()["signed_off_by"]["username"] == "leader1"
    assert act(leader, pk, "sign-off").status_code == 409

    mine = owner.get("/api/v1/action-items/").json()
    assert [a["id"] for a in mine["results"]] == [action["id"]]
    assert mine["results"][0]["can_complete"] is True
    url = f"/api/v1/action-items/{action['id']}/complete/"
    etag = owner.get(f"/api/v1/action-items/{action['id']}/")["ETag"]
    assert api(demo["te_liaison"]).post(url, {}, format="json", HTTP_IF_MATCH=etag).status_code == (
        403
    )
    assert api(demo["fi_staff"]).post(url, {}, format="json", HTTP_IF_MATCH=etag).status_code == 404
    assert owner.post(url, {"note": "Sent."}, format="json").status_code == 428
    response = owner.post(url, {"note": "Sent."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "done"
    assert response.json()["done_note"] == "Sent."
    response = owner.post(url, {}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    response = owner.post(url, {}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "done"
    assert owner.get("/api/v1/action-items/?state=open").json()["count"] == 0


def test_minutes_reject_what_the_form_rejects(demo, api):
    meeting = past_meeting(demo)
    other = past_meeting(demo, title="Other")
    services.save_minutes(
        meeting=other,
        by=demo["secretary"],
        summary="",
        present_ids=[],
        decisions={},
        actions=[
            {
                "id": None,
                "title": "Elsewhere",
                "owner": demo["pd_head"],
                "deadline": timezone.localdate(),
            }
        ],
    )
    foreign = other.actions.get()
    client = api(demo["secretary"])
    pk = meeting.pk
    response = act(client, pk, "minutes", {"action_items": [{"id": foreign.pk, "title": "x"}]})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["action_items"][0]["id"]
    response = act(client, pk, "minutes", {"action_items": [{"title": "No owner"}]})
    assert set(response.json()["error"]["fields"]["action_items"][0]) == {"owner", "deadline"}
    response = act(client, pk, "minutes", {"present": ["fi_staff"]})
    assert "present" in response.json()["error"]["fields"]
    response = act(client, pk, "minutes", {"decisions": [{"agenda_item": 999999, "decision": "x"}]})
    assert "decisions" in response.json()["error"]["fields"]
    assert not ActionItem.objects.filter(meeting=meeting).exists()
    assert act(api(demo["te_liaison"]), pk, "minutes", {"summary": "x"}).status_code == 403


def test_publish_before_the_meeting_starts_is_409(demo, api):
    client = api(demo["secretary"])
    pk = client.post("/api/v1/meetings/", schedule_body(), format="json").json()["id"]
    response = act(client, pk, "publish")
    assert response.status_code == 409
    assert response.json()["error"]["current_state"] == "scheduled"


def test_cancel_needs_a_reason_and_needs_if_match(demo, api):
    meeting = past_meeting(demo)
    client = api(demo["secretary"])
    url = f"/api/v1/meetings/{meeting.pk}/cancel/"
    assert client.post(url, {"reason": "x"}, format="json").status_code == 428
    response = client.post(url, {"reason": "x"}, format="json", HTTP_IF_MATCH='"old"')
    assert response.status_code == 412
    response = act(client, meeting.pk, "cancel", {"reason": " "})
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = act(client, meeting.pk, "cancel", {"reason": "Nobody can come."})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == MeetingState.CANCELLED
    assert response.json()["timeline"][-1]["comment"] == "Nobody can come."


def test_agenda_hides_a_problem_the_reader_may_not_see(demo, api):
    problem = report(
        demo, running_request(demo, confidential=True), by="te_liaison", title="Secret dispute"
    )
    meeting = past_meeting(demo, chair=demo["te_liaison"], attendees=[demo["te_staff"]])
    AgendaItem.objects.create(meeting=meeting, position=1, problem=problem)
    named = api(demo["te_liaison"]).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert named["agenda"][0]["problem"]["title"] == "Secret dispute"
    for name in ("te_staff", "secretary"):
        data = api(demo[name]).get(f"/api/v1/meetings/{meeting.pk}/").json()
        assert "Secret dispute" not in str(data), name
        assert data["agenda"][0]["problem"] == {"id": None, "number": None, "title": None}


def test_list_views(demo, api):
    upcoming = services.schedule_meeting(
        by=demo["secretary"],
        title="Soon",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=30,
        place="Room",
        chair=demo["secretary"],
        attendees=[demo["te_liaison"]],
    )
    due = past_meeting(demo, title="Over")
    client = api(demo["te_liaison"])

    def titles(view=""):
        response = client.get(f"/api/v1/meetings/?view={view}" if view else "/api/v1/meetings/")
        assert response.status_code == 200, response.content
        return [m["title"] for m in response.json()["results"]]

    assert titles() == [upcoming.title]
    assert titles("minutes_due") == [due.title]
    assert titles("past") == [due.title]
    assert client.get("/api/v1/meetings/?view=future").status_code == 400
    assert api(demo["fi_staff"]).get("/api/v1/meetings/?view=past").json()["count"] == 0


@pytest.mark.parametrize("view", ["upcoming", "past"])
def test_meeting_list_queries_constant_for_1_and_30(demo, api, view):
    request = running_request(demo)
    problem = report(demo, request)
    client = api(demo["te_liaison"])

    def add(n):
        for i in range(n):
            delta = datetime.timedelta(days=-2 if view == "past" else 2, minutes=i)
            services.schedule_meeting(
                by=demo["secretary"],
                title=f"Meeting {i}",
                kind=MeetingKind.MILESTONE,
                milestone_stage="kickoff",
                request=request,
                starts_at=timezone.now() + delta,
                duration_minutes=30,
                place="Room",
                chair=demo["secretary"],
                attendees=[demo["te_liaison"], demo["pd_head"]],
                problems=[problem],
            )

    def count():
        url = f"/api/v1/meetings/?view={view}&page_size=50"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries), response.json()["count"]

    add(1)
    one, total = count()
    assert total == 1
    add(29)
    thirty, total = count()
    assert total == 30
    assert one == thirty


def test_action_item_list_queries_constant_for_1_and_30(demo, api):
    request = running_request(demo)
    problem = report(demo, request)
    client = api(demo["pd_head"])

    def add(n):
        meeting = past_meeting(demo)
        services.save_minutes(
            meeting=meeting,
            by=demo["secretary"],
            summary="",
            present_ids=[],
            decisions={},
            actions=[
                {
                    "id": None,
                    "title": f"Action {i}",
                    "owner": demo["pd_head"],
                    "deadline": timezone.localdate(),
                    "problem": problem,
                    "request": None,
                }
                for i in range(n)
            ],
        )
        services.publish_minutes(meeting=meeting, by=demo["secretary"])

    def count():
        client.get("/api/v1/action-items/?page_size=50")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/action-items/?page_size=50")
        assert response.status_code == 200
        return len(captured.captured_queries), response.json()["count"]

    add(1)
    one, total = count()
    assert total == 1
    add(29)
    thirty, total = count()
    assert total == 30
    assert one == thirty
