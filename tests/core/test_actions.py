"""Every declared step, asked of every edge it generates, for every demo person, on
normal and confidential objects in the states where it matters: the page shows its
button exactly when the HTML step answers with its form, the API step gets as far as
validating the body and the API's `actions` of the object list it. Where the person
may not see the object, all of them say nothing (404); where they have no part in the
step, 403; where the state moved on, the page explains (redirect) and the API answers
409.

The API calls run inside a savepoint that is rolled back, so that a step without input
cannot change the object for the next person asked."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from collab.core.workflow import WORKFLOWS
from collab.workdays import calendar
from issues_app import services as issue_services
from issues_app.models import AgendaItem, Grade, MeetingKind
from requests_app import services as request_services
from tasks_app import services as task_services

from ..issues_app.factories import report, running_request
from ..requests_app.factories import make_request
from ..tasks_app.factories import confirmed_request, delivered_task, make_task

pytestmark = pytest.mark.django_db

PEOPLE = sorted(
    ["admin", "secretary", "leader1", "leader2"]
    + [f"{c}_{r}" for c in ("mt", "te", "pd", "fi") for r in ("head", "liaison", "staff")]
)
PAGE = {200: "may", 302: "stale", 403: "forbidden", 404: "invisible"}
API = {200: "may", 201: "may", 400: "may", 409: "stale", 403: "forbidden", 404: "invisible"}
# Fails every body's validation (a list where text is expected), so a permitted step is
# refused at its last gate without running.
INVALID = {"comment": ["not a string"], "text": ["not a string"], "note": ["x"]}


class Rollback(Exception):
    pass


def _requests(demo):
    for stage in ("draft", "head_review", "leader_review", "awaiting_confirmation", "in_progress"):
        yield stage, make_request(demo, stage=stage)
    returned = make_request(demo, stage="head_review")
    request_services.return_request(request=returned, by=demo["mt_head"], comment="Add dates.")
    yield "returned", returned
    for stage in ("head_review", "in_progress"):
        yield (
            f"confidential {stage}",
            make_request(demo, stage=stage, confidentiality="confidential"),
        )


def _tasks(demo):
    # The requester's side is MT, the task is TE's (owned by te_staff), PD helps.
    request = confirmed_request(demo, to=("TE",))
    yield "todo", make_task(demo, request, name="Plan", collaborators=["pd_staff"])
    started = make_task(demo, request, name="Build", collaborators=["pd_staff"])
    task_services.start_task(task=started, by=demo["te_staff"])
    yield "in_progress", started
    yield "delivered", delivered_task(demo, request, name="Ship")
    rework = delivered_task(demo, request, name="Polish", collaborators=["pd_staff"])
    task_services.reject_task(
        task=rework,
        by=demo["mt_staff"],
        changes="Larger buttons.",
        new_deadline=timezone.localdate() + timedelta(days=5),
    )
    yield "rework", rework
    secret = confirmed_request(demo, to=("TE",), confidential=True, title="Pricing")
    secret_started = make_task(demo, secret, name="Draft", collaborators=["pd_staff"])
    task_services.start_task(task=secret_started, by=demo["te_staff"])
    yield "confidential in_progress", secret_started
    yield "confidential delivered", delivered_task(demo, secret, name="Review")


def _problems(demo):
    # Filed by mt_staff (MT, division leader leader1, also the coordination group
    # leader) to TE and PD; reported by te_liaison, concerning PD.
    calendar.invalidate()
    secretary = demo["secretary"]

    def graded(problem, grade=Grade.GENERAL):
        return issue_services.grade_problem(problem=problem, by=secretary, grade=grade)

    request = running_request(demo)
    yield "reported", report(demo, request, by="te_liaison")
    yield "open", graded(report(demo, request, by="te_liaison"))
    major = graded(report(demo, request, by="te_liaison"), Grade.MAJOR)
    issue_services.refer_to_leader(problem=major, by=demo["mt_head"], reason="Who pays?")
    yield "major, referred", major
    resolved = graded(report(demo, request, by="te_liaison"))
    issue_services.resolve_problem(problem=resolved, by=demo["mt_head"], resolution="Done.")
    yield "resolved", resolved
    secret = running_request(demo, confidential=True, title="Pricing")
    yield "confidential open", graded(report(demo, secret, by="te_liaison"))


def _meetings(demo):
    calendar.invalidate()
    secretary = demo["secretary"]
    request = running_request(demo)
    problem = report(demo, request, by="te_liaison")
    # Held two hours ago, so that publishing (which takes no input) runs in the API.
    values = {
        "by": secretary,
        "title": "Hand-off",
        "kind": MeetingKind.COORDINATION,
        "starts_at": timezone.now() - timedelta(hours=2),
        "duration_minutes": 60,
        "place": "Room 3",
        "chair": secretary,
        "attendees": [demo["te_liaison"], demo["pd_liaison"]],
    }
    yield "scheduled", issue_services.schedule_meeting(**values, problems=[problem])
    # Put on the agenda directly: the secretary may not see a confidential problem.
    secret = running_request(demo, confidential=True, title="Pricing")
    about_secret = issue_services.schedule_meeting(**values)
    AgendaItem.objects.create(
        meeting=about_secret, position=1, problem=report(demo, secret, by="te_liaison")
    )
    yield "scheduled, on a confidential problem", about_secret
    milestone = issue_services.schedule_meeting(
        **{
            **values,
            "kind": MeetingKind.MILESTONE,
            "request": request,
            "milestone_stage": "kickoff",
        }
    )
    issue_services.publish_minutes(meeting=milestone, by=secretary)
    yield "published milestone", milestone
    cancelled = issue_services.schedule_meeting(**values)
    issue_services.cancel_meeting(meeting=cancelled, by=secretary, reason="Moved.")
    yield "cancelled", cancelled


# How to build the objects of each workflow, where its page and API live, and who reads them all. A new
# workflow fails `test_every_workflow_has_a_scene` until it is added here.
SCENES = {
    "requests": {
        "objects": _requests,
        "page": "/requests/{pk}/",
        "api": "/api/v1/requests/{pk}/",
        "reader": "mt_staff",  # sees every one of them, to read the current ETag
    },
    "tasks": {
        "objects": _tasks,
        "page": "/tasks/{pk}/",
        "api": "/api/v1/tasks/{pk}/",
        "reader": "mt_staff",
    },
    "problems": {
        "objects": _problems,
        "page": "/problems/{pk}/",
        "api": "/api/v1/problems/{pk}/",
        "reader": "mt_staff",  # the requester sees the problems of their requests
    },
    "meetings": {
        "objects": _meetings,
        "page": "/meetings/{pk}/",
        "api": "/api/v1/meetings/{pk}/",
        "reader": "secretary",  # sees every meeting
    },
}


def test_every_workflow_has_a_scene():
    assert get_resolver().url_patterns  # the URLs import every app's declarations
    assert set(WORKFLOWS) == set(SCENES)


def api(user):
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _buttons(html: str, names) -> set[str]:
    shown = set(re.findall(r'data-testid="action-([\w-]+)"', html))
    return shown & set(names)


def _api_outcome(client, url, etag) -> str:
    outcome = {}
    try:
        with transaction.atomic():
            response = client.post(url, INVALID, format="json", HTTP_IF_MATCH=etag)
            outcome["status"] = response.status_code
            raise Rollback
    except Rollback:
        pass
    return API[outcome["status"]]


@pytest.mark.parametrize("namespace", sorted(SCENES))
def test_every_action_agrees_on_page_html_step_and_api(demo, namespace):
    assert get_resolver().url_patterns  # declared on import of the URLs, whichever test runs first
    workflow, scene = WORKFLOWS[namespace], SCENES[namespace]
    permitted = set()
    for label, obj in scene["objects"](demo):
        page_url = scene["page"].format(pk=obj.pk)
        api_url = scene["api"].format(pk=obj.pk)
        for name in PEOPLE:
            user = demo[name]
            browser = Client()
            browser.force_login(user)
            client = api(user)
            page = browser.get(page_url)
            etag = api(demo[scene["reader"]]).get(api_url)["ETag"]
            shown = _buttons(page.content.decode(), workflow.actions)
            detail = client.get(api_url)
            listed = set(detail.json()["actions"]) if detail.status_code == 200 else set()
            assert detail.status_code == page.status_code, (namespace, label, name)
            for action in workflow.actions.values():
                step = browser.get(page_url + action.path + "/").status_code
                where = (namespace, label, name, action.name)
                assert (PAGE[step] == "may") == (action.name in shown), (*where, step)
                assert (action.name in shown) == (action.api_name in listed), where
                if page.status_code == 404:
                    assert step == 404, where
                if action.api:
                    outcome = _api_outcome(client, api_url + action.api_path + "/", etag)
                    assert outcome == PAGE[step], (*where, step, outcome)
                if PAGE[step] == "may":
                    permitted.add(action.name)
    assert permitted == set(workflow.actions), "never permitted in any scene"
