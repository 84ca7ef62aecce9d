"""Every demo persona × (normal, confidential) request × each problem and meeting page
and action.

Expected outcomes are written out by hand from DOMAIN §1, §5–6 (not computed with the
code under test): 200 may act, 302 right person but the state has moved on (explained
on the detail page), 403 may see but not act, 404 may not see. Problems inherit the
visibility of their request."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from issues_app import services
from issues_app.models import Grade, MeetingKind

from .factories import report, running_request

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

# Request filed by mt_staff (MT, division leader leader1) to TE and PD, contacts the
# liaisons; the problem is reported by te_liaison and concerns PD.
REQUESTING_SIDE = {"mt_staff", "mt_head", "leader1"}
NAMED = {"te_head", "te_liaison", "pd_head", "pd_liaison"}
VISIBLE = {
    "normal": REQUESTING_SIDE | NAMED | {"te_staff", "pd_staff", "secretary", "admin"},
    "confidential": REQUESTING_SIDE | NAMED,
}

HEADS_INVOLVED = {"mt_head", "te_head", "pd_head"}  # lead, reporting, concerned

# action -> state -> (may act, right role but the state moved on)
ACTIONS = {
    "problem_grade": {
        "reported": ({"secretary"}, set()),
        "open": (set(), {"secretary"}),
        "resolved": (set(), {"secretary"}),
    },
    "problem_dismiss": {
        "reported": ({"secretary"}, set()),
        "open": ({"secretary"}, set()),
        "resolved": (set(), {"secretary"}),
    },
    "problem_resolve": {
        "reported": (set(), {"secretary"}),
        "open": ({"secretary", "mt_head"}, set()),
        "resolved": (set(), {"secretary", "mt_head"}),
    },
    "problem_escalate": {
        "reported": (set(), HEADS_INVOLVED),
        "open": (HEADS_INVOLVED, set()),
        "resolved": (set(), HEADS_INVOLVED),
    },
    "problem_refer": {
        "reported": (set(), HEADS_INVOLVED | {"secretary"}),
        "open": (HEADS_INVOLVED | {"secretary"}, set()),
        "resolved": (set(), HEADS_INVOLVED | {"secretary"}),
    },
    "problem_confirm": {
        "reported": (set(), {"te_liaison"}),
        "open": (set(), {"te_liaison"}),
        "resolved": ({"te_liaison"}, set()),
    },
    "problem_reopen": {
        "reported": (set(), {"te_liaison"}),
        "open": (set(), {"te_liaison"}),
        "resolved": ({"te_liaison"}, set()),
    },
    "problem_owner": {  # only for major problems: the group leader (leader1) or the owner
        "reported": (set(), {"leader1"}),
        "open": (set(), {"leader1", "mt_head"}),
        "resolved": (set(), {"leader1", "mt_head"}),
    },
    "problem_rule": {  # nobody was asked for a ruling
        "reported": (set(), set()),
        "open": (set(), set()),
        "resolved": (set(), set()),
    },
}


def build(demo, confidentiality, state):
    request = running_request(demo, confidential=confidentiality == "confidential")
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    problem = report(demo, request, by="te_liaison", files=[upload])
    if state in ("open", "resolved"):
        if confidentiality == "normal":
            problem = services.grade_problem(
                problem=problem, by=demo["secretary"], grade=Grade.GENERAL
            )
        else:
            problem = _grade_confidential(demo, problem, request)
    if state == "resolved":
        problem = services.resolve_problem(problem=problem, by=demo["mt_head"], resolution="Done.")
    return problem


def _grade_confidential(demo, problem, request):
    """The secretary grades once the requester shares the request; the grant is taken
    back afterwards so the matrix checks the default need-to-know."""
    from guardian.shortcuts import remove_perm

    from requests_app import services as request_services

    request_services.grant_access(request=request, by=demo["mt_staff"], user=demo["secretary"])
    problem.refresh_from_db()
    graded = services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    remove_perm("requests_app.view_request", demo["secretary"], request)
    return graded


def expected(persona, confidentiality, may, stale):
    if persona not in VISIBLE[confidentiality]:
        return 404
    if persona in may:
        return 200
    if persona in stale:
        return 302
    return 403


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
@pytest.mark.parametrize("state", ["reported", "open", "resolved"])
def test_problem_pages_and_actions_matrix(demo, client, confidentiality, state):
    problem = build(demo, confidentiality, state)
    assert problem.state == state
    attachment = problem.attachments.get()
    wrong = []
    for persona in PERSONAS:
        client.force_login(demo[persona])
        visible = persona in VISIBLE[confidentiality]
        checks = {
            "problem": (reverse("issues:problem", args=[problem.pk]), 200 if visible else 404),
            "attachment": (
                reverse("issues:problem_attachment", args=[problem.pk, attachment.pk]),
                200 if visible else 404,
            ),
        }
        for action, states in ACTIONS.items():
            may, stale = states[state]
            checks[action] = (
                reverse(f"issues:{action}", args=[problem.pk]),
                expected(persona, confidentiality, may, stale),
            )
        for name, (url, status) in checks.items():
            got = client.get(url).status_code
            if got != status:
                wrong.append(f"{persona} {name}: expected {status}, got {got}")
        listed = problem.number in client.get(reverse("issues:problems")).content.decode()
        if listed != visible:
            wrong.append(f"{persona} problem list: expected listed={visible}")
    assert not wrong, "\n".join(wrong)


RESPONDERS = {"pd_head", "pd_liaison"}


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
def test_respond_matrix(demo, client, confidentiality):
    problem = build(demo, confidentiality, "reported")
    pd = problem.departments.get().department_id
    url = reverse("issues:problem_respond", args=[problem.pk])
    wrong = []
    for persona in PERSONAS:
        client.force_login(demo[persona])
        status = client.post(url, {"department": pd, "text": f"from {persona}"}).status_code
        if persona not in VISIBLE[confidentiality]:
            want = 404
        elif persona in RESPONDERS:
            want = 302
        else:
            want = 403
        if status != want:
            wrong.append(f"{persona}: expected {want}, got {status}")
    assert not wrong, "\n".join(wrong)
    authors = set(problem.entries.values_list("author__username", flat=True))
    assert authors == RESPONDERS


MEETING_SEES_ALL = {"secretary", "admin", "leader1"}  # secretary, admin, group leader
ATTENDEES = {"te_liaison", "pd_liaison", "te_staff"}


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
def test_meeting_pages_and_actions_matrix(demo, client, confidentiality):
    request = running_request(demo, confidential=confidentiality == "confidential")
    problem = report(demo, request, by="te_liaison")
    meeting = services.schedule_meeting(
        by=demo["secretary"],
        title="Hand-off",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=60,
        place="Room 3",
        chair=demo["secretary"],
        attendees=[demo[p] for p in ATTENDEES],
    )
    if confidentiality == "normal":
        services.add_agenda_item(meeting=meeting, by=demo["secretary"], problem=problem)
    else:
        # The secretary may not see this problem, so cannot put it on the agenda.
        services.add_agenda_item(meeting=meeting, by=demo["secretary"], title="Open points")
    wrong = []
    for persona in PERSONAS:
        client.force_login(demo[persona])
        sees = persona in MEETING_SEES_ALL | ATTENDEES | {"secretary"}
        for name, may in (
            ("meeting", None),
            ("meeting_minutes", {"secretary"}),
            ("meeting_publish", {"secretary"}),
            ("meeting_cancel", {"secretary"}),
            ("meeting_sign", set()),
        ):
            url = reverse(f"issues:{name}", args=[meeting.pk])
            if not sees:
                want = 404
            elif may is None or persona in may:
                want = 200
            else:
                want = 403
            got = client.get(url).status_code
            if got != want:
                wrong.append(f"{persona} {name}: expected {want}, got {got}")
        create = client.get(reverse("issues:meeting_create")).status_code
        if create != (200 if persona == "secretary" else 403):
            wrong.append(f"{persona} meeting_create: got {create}")
        listed = "Hand-off" in client.get(reverse("issues:meetings")).content.decode()
        if listed != sees:
            wrong.append(f"{persona} meeting list: expected listed={sees}")
    assert not wrong, "\n".join(wrong)


def test_meeting_agenda_hides_problem_title_from_attendee_who_may_not_see(demo, client):
    request = running_request(demo, confidential=True)
    problem = report(demo, request, by="te_liaison", title="Secret supplier dispute")
    meeting = services.schedule_meeting(
        by=demo["secretary"],
        title="Hand-off",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=60,
        place="Room 3",
        chair=demo["te_liaison"],
        attendees=[demo["te_staff"], demo["pd_liaison"]],
    )
    # Put on the agenda by someone who sees it (the secretary cannot).
    from issues_app.models import AgendaItem

    AgendaItem.objects.create(meeting=meeting, position=1, problem=problem)
    url = reverse("issues:meeting", args=[meeting.pk])
    client.force_login(demo["pd_liaison"])
    assert "Secret supplier dispute" in client.get(url).content.decode()
    client.force_login(demo["te_staff"])
    page = client.get(url).content.decode()
    assert "Secret supplier dispute" not in page
    client.force_login(demo["secretary"])
    page = client.get(url).content.decode()
    assert "Secret supplier dispute" not in page


def test_action_done_matrix(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
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
    action = meeting.actions.get()
    url = reverse("issues:action_done", args=[action.pk])
    wrong = []
    for persona in PERSONAS:
        client.force_login(demo[persona])
        # pd_head sees the meeting as the action's owner; te_liaison attends.
        sees = persona in MEETING_SEES_ALL | {"te_liaison", "pd_head"}
        want = 200 if persona == "pd_head" else (403 if sees else 404)
        got = client.get(url).status_code
        if got != want:
            wrong.append(f"{persona}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)
