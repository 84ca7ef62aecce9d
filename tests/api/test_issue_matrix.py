"""The permission matrix of problems, meetings, action items and ledgers: every demo
persona × a normal and a confidential request × each action, asked of the browser and
of the API. The API must never show or allow more (or less) than the pages do, and a
confidential request's problems are 404 for everyone not named on it.

Nothing changes: the browser's action pages are asked with GET (they show the form),
the API's actions get a body that fails validation, which is checked only after
visibility, role, If-Match and state. A few cells are spelled out by hand from DOMAIN
§1, §5–6, so that the two cannot agree by both being wrong."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from archive_app import selectors as ledger_selectors
from collab.workdays import calendar
from issues_app import services
from issues_app.models import AgendaItem, Grade, MeetingKind

from ..issues_app.factories import report, running_request

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "secretary",
    "leader1",
    "leader2",
    "mt_head",
    "mt_liaison",
    "mt_staff",
    "te_head",
    "te_liaison",
    "te_staff",
    "pd_head",
    "pd_liaison",
    "pd_staff",
    "fi_head",
    "fi_staff",
]
UI = {200: "may", 302: "stale", 403: "forbidden", 404: "invisible"}
API = {400: "may", 409: "stale", 403: "forbidden", 404: "invisible"}
INVALID = {
    "grade": "urgent",
    "owner": "nobody-of-that-name",
    "deadline": "soon",
    "comment": ["not a string"],
    "reason": ["not a string"],
    "resolution": ["not a string"],
    "ruling": ["not a string"],
    "text": ["not a string"],
    "summary": ["not a string"],
    "note": ["not a string"],
}

# Request filed by mt_staff (MT, division leader leader1, who is also the coordination
# group leader) to TE and PD, contacts the liaisons; the problem is reported by
# te_liaison and concerns PD.
NAMED = {"mt_staff", "mt_head", "leader1", "te_head", "te_liaison", "pd_head", "pd_liaison"}
VISIBLE = {
    "normal": NAMED | {"te_staff", "pd_staff", "secretary", "admin"},
    "confidential": NAMED,
}


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def ui_client(user):
    client = Client()
    client.force_login(user)
    return client


def who(table, action, outcome):
    return {name for (name, act), value in table.items() if act == action and value == outcome}


# --- problems -------------------------------------------------------------------------------


def build_problem(demo, confidentiality, state):
    request = running_request(demo, confidential=confidentiality == "confidential")
    problem = report(demo, request, by="te_liaison")
    if state in ("open", "resolved"):
        if confidentiality == "confidential":
            # The secretary grades once the requester shares the request; the grant is
            # taken back so that the matrix checks the default need-to-know.
            from guardian.shortcuts import remove_perm

            from requests_app import services as request_services

            request_services.grant_access(
                request=request, by=demo["mt_staff"], user=demo["secretary"]
            )
            problem = services.grade_problem(
                problem=problem, by=demo["secretary"], grade=Grade.GENERAL
            )
            remove_perm("requests_app.view_request", demo["secretary"], request)
        else:
            problem = services.grade_problem(
                problem=problem, by=demo["secretary"], grade=Grade.GENERAL
            )
    if state == "resolved":
        problem = services.resolve_problem(problem=problem, by=demo["mt_head"], resolution="Done.")
    return problem


# API action → the browser page of the same action.
PROBLEM_PAGES = {
    "grade": "grade",
    "resolve": "resolve",
    "confirm": "confirm",
    "reopen": "reopen",
    "escalate": "escalate",
    "assign": "owner",
    "refer": "refer",
    "rule": "rule",
    "close": "close",
}
# The browser takes responses and entries by POST only: their cells are written out.
POST_ONLY = ("respond", "propose", "decide")


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
@pytest.mark.parametrize("state", ["reported", "open", "resolved"])
def test_problem_api_matches_pages_for_every_persona(demo, api, confidentiality, state):
    problem = build_problem(demo, confidentiality, state)
    etag = api(demo["te_liaison"]).get(f"/api/v1/problems/{problem.pk}/")["ETag"]
    table, wrong = {}, []
    for name in PERSONAS:
        ui, client = ui_client(demo[name]), api(demo[name])
        seen_ui = ui.get(f"/problems/{problem.pk}/").status_code
        seen_api = client.get(f"/api/v1/problems/{problem.pk}/").status_code
        listed = problem.pk in {
            row["id"] for row in client.get("/api/v1/problems/?page_size=100").json()["results"]
        }
        if not (seen_ui == seen_api and listed == (seen_api == 200)):
            wrong.append(f"{name} see: page {seen_ui}, api {seen_api}, listed {listed}")
        table[(name, "see")] = seen_api == 200
        for action in [*PROBLEM_PAGES, *POST_ONLY]:
            got = client.post(
                f"/api/v1/problems/{problem.pk}/{action}/",
                INVALID,
                format="json",
                HTTP_IF_MATCH=etag,
            ).status_code
            table[(name, action)] = API.get(got, got)
            if action in PROBLEM_PAGES:
                page = ui.get(f"/problems/{problem.pk}/{PROBLEM_PAGES[action]}/").status_code
                if UI[page] != API.get(got, got):
                    wrong.append(f"{name} {action}: page {page}, api {got}")
    assert not wrong, "\n".join(wrong)

    assert who(table, "see", True) == VISIBLE[confidentiality]
    invisible = set(PERSONAS) - VISIBLE[confidentiality]
    for action in [*PROBLEM_PAGES, *POST_ONLY]:
        assert who(table, action, "invisible") == invisible, action
    responders = {"pd_head", "pd_liaison"}  # head and liaison of the department concerned
    heads = {"mt_head", "te_head", "pd_head"}  # lead, reporting and concerned departments
    if state == "reported":
        assert who(table, "grade", "may") == (
            {"secretary"} if confidentiality == "normal" else set()
        )
        assert who(table, "respond", "may") == responders
        assert who(table, "propose", "may") == set()
        assert who(table, "escalate", "stale") == heads
    if state == "open":
        assert who(table, "respond", "may") == responders
        assert who(table, "resolve", "may") >= {"mt_head"}  # the owner of a general problem
        assert who(table, "escalate", "may") == heads
        # The handlers (owner, secretary, heads involved) and the departments concerned;
        # not the reporter as such.
        handlers = (
            heads | {"pd_liaison"} | ({"secretary"} if confidentiality == "normal" else set())
        )
        assert who(table, "propose", "may") == handlers
        assert who(table, "decide", "may") == who(table, "propose", "may")
        assert who(table, "confirm", "stale") == {"te_liaison"}
    if state == "resolved":
        assert who(table, "confirm", "may") == {"te_liaison"}
        assert who(table, "reopen", "may") == {"te_liaison"}
        assert who(table, "respond", "stale") == responders
        assert who(table, "resolve", "may") == set()
    assert who(table, "rule", "may") == set()  # nobody was asked for a ruling
    for action in [*PROBLEM_PAGES, *POST_ONLY]:
        assert "fi_staff" not in who(table, action, "may") | who(table, action, "stale")


def test_unknown_problem_is_404_like_an_invisible_one(demo, api):
    client = api(demo["secretary"])
    assert client.get("/api/v1/problems/987654/").status_code == 404
    assert client.post("/api/v1/problems/987654/grade/", {}, format="json").status_code == 404


# --- meetings and action items -----------------------------------------------------------------

MEETING_SEES_ALL = {"secretary", "admin", "leader1"}  # secretary, admin, group leader
ATTENDEES = {"te_liaison", "pd_liaison", "te_staff"}
MEETING_PAGES = {"minutes": "minutes", "cancel": "cancel", "sign-off": "sign"}


def build_meeting(demo, confidentiality, kind):
    request = running_request(demo, confidential=confidentiality == "confidential")
    problem = report(demo, request, by="te_liaison", title="Supplier dispute")
    values = {
        "by": demo["secretary"],
        "title": "Hand-off",
        "kind": MeetingKind.COORDINATION,
        "starts_at": timezone.now() + datetime.timedelta(days=1),
        "duration_minutes": 60,
        "place": "Room 3",
        "chair": demo["secretary"],
        "attendees": [demo[p] for p in sorted(ATTENDEES)],
    }
    if kind == "milestone":
        # A milestone meeting of a normal request, already held and published.
        milestone_request = running_request(demo, title="Milestone project")
        values.update(
            kind=MeetingKind.MILESTONE,
            request=milestone_request,
            milestone_stage="kickoff",
            starts_at=timezone.now() - datetime.timedelta(hours=3),
        )
    meeting = services.schedule_meeting(**values)
    # Put on the agenda directly: the secretary may not see a confidential problem.
    AgendaItem.objects.create(meeting=meeting, position=1, problem=problem)
    if kind == "milestone":
        services.publish_minutes(meeting=meeting, by=demo["secretary"])
    return meeting, problem


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
@pytest.mark.parametrize("kind", ["coordination", "milestone"])
def test_meeting_api_matches_pages_for_every_persona(demo, api, confidentiality, kind):
    meeting, problem = build_meeting(demo, confidentiality, kind)
    etag = api(demo["secretary"]).get(f"/api/v1/meetings/{meeting.pk}/")["ETag"]
    table, wrong = {}, []
    for name in PERSONAS:
        ui, client = ui_client(demo[name]), api(demo[name])
        base = f"/api/v1/meetings/{meeting.pk}"
        seen_ui = ui.get(f"/meetings/{meeting.pk}/").status_code
        response = client.get(f"{base}/")
        listed = meeting.pk in {
            row["id"]
            for view in ("upcoming", "past")
            for row in client.get(f"/api/v1/meetings/?view={view}").json()["results"]
        }
        if not (seen_ui == response.status_code and listed == (response.status_code == 200)):
            wrong.append(f"{name} see: page {seen_ui}, api {response.status_code}, {listed}")
        table[(name, "see")] = response.status_code == 200
        if response.status_code == 200:
            # The problem's title only for those who may see the problem.
            shown = "Supplier dispute" in response.content.decode()
            if shown != (name in VISIBLE[confidentiality]):
                wrong.append(f"{name} agenda: problem title shown={shown}")
        for action, page_name in MEETING_PAGES.items():
            got = client.post(
                f"{base}/{action}/", INVALID, format="json", HTTP_IF_MATCH=etag
            ).status_code
            page = ui.get(f"/meetings/{meeting.pk}/{page_name}/").status_code
            table[(name, action)] = API.get(got, got)
            if UI[page] != API.get(got, got):
                wrong.append(f"{name} {action}: page {page}, api {got}")
        # Publishing takes no body: a stale If-Match tells who may try (412) from who
        # may not (403, 404) without publishing anything.
        got = client.post(f"{base}/publish/", {}, format="json", HTTP_IF_MATCH='"old"').status_code
        page = ui.get(f"/meetings/{meeting.pk}/publish/").status_code
        role = {200: 412, 302: 412}.get(page, page)
        if got != role:
            wrong.append(f"{name} publish: page {page}, api {got}")
        got = client.post("/api/v1/meetings/", INVALID, format="json").status_code
        page = ui.get("/meetings/new/").status_code
        if UI[page] != API.get(got, got):
            wrong.append(f"{name} schedule: page {page}, api {got}")
    assert not wrong, "\n".join(wrong)

    assert who(table, "see", True) == MEETING_SEES_ALL | ATTENDEES
    if kind == "coordination":
        assert who(table, "minutes", "may") == {"secretary"}
        assert who(table, "cancel", "may") == {"secretary"}
        assert who(table, "sign-off", "may") == set()
    else:
        assert who(table, "minutes", "stale") == {"secretary"}
        assert who(table, "sign-off", "may") == {"leader1"}


def test_action_item_completion_matches_the_page_for_every_persona(demo, api):
    problem = report(demo, running_request(demo))
    meeting = services.schedule_meeting(
        by=demo["secretary"],
        title="Hand-off",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        duration_minutes=60,
        place="Room 3",
        chair=demo["secretary"],
        attendees=[demo["te_liaison"]],
        problems=[problem],
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
                "owner": demo["pd_head"],
                "deadline": timezone.localdate(),
                "problem": problem,
                "request": None,
            }
        ],
    )
    services.publish_minutes(meeting=meeting, by=demo["secretary"])
    item = meeting.actions.get()
    etag = api(demo["pd_head"]).get(f"/api/v1/action-items/{item.pk}/")["ETag"]
    wrong = []
    for name in PERSONAS:
        page = ui_client(demo[name]).get(f"/actions/{item.pk}/done/").status_code
        got = (
            api(demo[name])
            .post(
                f"/api/v1/action-items/{item.pk}/complete/",
                INVALID,
                format="json",
                HTTP_IF_MATCH=etag,
            )
            .status_code
        )
        # pd_head sees the meeting as the action's owner; te_liaison attends.
        sees = name in MEETING_SEES_ALL | {"te_liaison", "pd_head"}
        want = 400 if name == "pd_head" else (403 if sees else 404)
        if got != want or UI[page] != API[got]:
            wrong.append(f"{name}: page {page}, api {got}, want {want}")
    assert not wrong, "\n".join(wrong)


# --- ledgers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
def test_ledgers_show_each_persona_what_the_pages_show(demo, api, confidentiality):
    problem = build_problem(demo, confidentiality, "open")
    request = problem.request
    wrong = []
    for name in PERSONAS:
        client = api(demo[name])
        rows = client.get("/api/v1/ledgers/progress/?page_size=100").json()["results"]
        screen = list(
            ledger_selectors.progress_ledger(demo[name], filters={}).values_list(
                "number", flat=True
            )
        )
        if [r["number"] for r in rows] != screen:
            wrong.append(f"{name} progress ledger differs from the page's")
        problems = client.get("/api/v1/ledgers/problems/?page_size=100").json()["results"]
        visible = name in VISIBLE[confidentiality]
        if (request.number in [r["number"] for r in rows]) != visible:
            wrong.append(f"{name} progress ledger: request listed != {visible}")
        if (problem.pk in [r["id"] for r in problems]) != visible:
            wrong.append(f"{name} problem ledger: problem listed != {visible}")
    assert not wrong, "\n".join(wrong)
