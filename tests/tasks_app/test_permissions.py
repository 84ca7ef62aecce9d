"""Permission matrix: demo personas × normal/confidential request × each task page and
action. ok = the page or form opens (200), 403 = sees the task but it is not theirs to
do, 404 = may not see the task at all."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from collab.org.models import Department
from tasks_app import services
from tasks_app.models import Task, TaskState

from .factories import accepted_task, confirmed_request, delivered_task, make_task

pytestmark = pytest.mark.django_db

PERSONAS = [
    "mt_staff",  # requester
    "mt_head",  # requesting department head
    "leader1",  # division leader of MT
    "te_head",  # head of the department doing the task
    "te_staff",  # task owner
    "te_liaison",  # TE member, the request's contact for TE
    "pd_head",  # head of the other addressed department
    "pd_staff",  # member of the other addressed department
    "hr_staff",  # not involved
    "secretary",
    "admin",
]

SEES = {
    "normal": set(PERSONAS) - {"hr_staff"},
    # Confidential: only the people named on the request, plus those on the task.
    "confidential": {
        "mt_staff",
        "mt_head",
        "leader1",
        "te_head",
        "te_staff",
        "te_liaison",
        "pd_head",
    },
}

# Who may do each action (when the task is in the state the action needs).
DOERS = {
    "detail": set(PERSONAS),
    "start": {"te_staff"},
    "progress": {"te_staff"},
    "deliver": {"te_staff"},
    "resume": {"te_staff"},
    "accept": {"mt_staff", "mt_head"},
    "reject": {"mt_staff", "mt_head"},
    "edit": {"te_head"},
    "cancel": {"te_head"},
    "deliverable": set(PERSONAS),
    "create": {"te_head"},
    "rate": {"mt_staff", "mt_head"},
}


def _prepare(demo, request, action):
    """A task in the state the action needs, and the URL to open."""
    if action == "create":
        te = Department.objects.get(code="TE")
        return reverse("tasks:create", args=[request.pk, te.pk])
    if action == "rate":
        accepted_task(demo, request)
        te = Department.objects.get(code="TE")
        return reverse("tasks:rate", args=[request.pk, te.pk])
    if action in ("accept", "reject", "deliverable"):
        task = delivered_task(demo, request)
        if action == "deliverable":
            return reverse("tasks:deliverable", args=[task.pk, task.deliverables.get().pk])
        return reverse(f"tasks:{action}", args=[task.pk])
    task = make_task(demo, request)
    if action in ("progress", "deliver", "resume"):
        services.start_task(task=task, by=demo["te_staff"])
    if action == "resume":
        from .factories import upload

        services.deliver_task(task=task, by=demo["te_staff"], files=[upload()])
        services.reject_task(
            task=task,
            by=demo["mt_staff"],
            changes="More",
            new_deadline=timezone.localdate() + timedelta(days=2),
        )
    return reverse(f"tasks:{action}", args=[task.pk])


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
@pytest.mark.parametrize("action", list(DOERS))
def test_permission_matrix_for_pages_and_actions(demo, client, confidentiality, action):
    request = confirmed_request(
        demo, to=("TE", "PD"), confidential=confidentiality == "confidential"
    )
    url = _prepare(demo, request, action)
    sees = set(SEES[confidentiality])
    if action == "create" and confidentiality == "confidential":
        sees.discard("te_staff")  # no task names the future owner yet
    wrong = []
    for persona in PERSONAS:
        if persona not in sees:
            expected = 404
        elif persona in DOERS[action]:
            expected = 200
        else:
            expected = 403
        client.force_login(demo[persona])
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{persona}: expected {expected}, got {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("persona,expected", [("te_liaison", 403), ("hr_staff", 404)])
def test_forbidden_post_changes_nothing(demo, client, persona, expected):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    client.force_login(demo[persona])
    assert client.post(reverse("tasks:start", args=[task.pk])).status_code == expected
    assert Task.objects.get(pk=task.pk).state == TaskState.TODO


def test_collaborator_may_post_progress_but_not_deliver(demo, client):
    request = confirmed_request(demo, confidential=True)
    task = make_task(demo, request, collaborators=["hr_staff"])
    services.start_task(task=task, by=demo["te_staff"])
    client.force_login(demo["hr_staff"])
    response = client.post(
        reverse("tasks:progress", args=[task.pk]), {"text": "Checked the copy", "percent": "40"}
    )
    assert response.status_code == 302
    assert task.progress.get().author == demo["hr_staff"]
    assert client.get(reverse("tasks:deliver", args=[task.pk])).status_code == 403
    assert client.get(reverse("tasks:start", args=[task.pk])).status_code == 403
