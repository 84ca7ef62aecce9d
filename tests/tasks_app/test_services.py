from datetime import timedelta

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from collab.org.models import Department
from requests_app.models import State as RequestState
from requests_app.selectors import visible_requests
from tasks_app import services
from tasks_app.errors import TaskError
from tasks_app.models import (
    AcceptanceRound,
    DepartmentRating,
    ProgressEntry,
    RoundResult,
    Task,
    TaskEvent,
    TaskState,
    events,
)

from .factories import (
    accepted_task,
    confirmed_request,
    delivered_task,
    make_task,
    upload,
)

pytestmark = pytest.mark.django_db


def verbs(task):
    return list(TaskEvent.objects.filter(task=task).values_list("verb", flat=True))


def plan(request, **overrides):
    today = timezone.localdate()
    values = {
        "name": "Copy",
        "priority": "high",
        "planned_start": today,
        "planned_finish": today + timedelta(days=3),
        "deliverable_standard": "Proof-read.",
    }
    values.update(overrides)
    return values


# --- breaking down -------------------------------------------------------------------


def test_task_numbers_follow_request_number_in_creation_order(demo):
    request = confirmed_request(demo, to=("TE", "PD"))
    first = make_task(demo, request)
    second = make_task(demo, request, code="PD")
    third = make_task(demo, request)
    assert [first.number, second.number, third.number] == [
        f"{request.number}-01",
        f"{request.number}-02",
        f"{request.number}-03",
    ]
    other = confirmed_request(demo, to=("TE",), title="Another")
    assert make_task(demo, other).number == f"{other.number}-01"


def test_create_task_records_plan_and_timeline(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request, collaborators=["te_liaison", "hr_staff", "te_staff"])
    assert task.state == TaskState.TODO
    assert task.due_date == task.planned_finish
    assert task.created_by == demo["te_head"]
    # The owner is never also a collaborator.
    assert {c.username for c in task.collaborators.all()} == {"te_liaison", "hr_staff"}
    assert verbs(task) == [events.CREATED]
    # simple-history keeps the collaborators with the snapshot.
    assert task.history.latest().collaborators.count() == 2


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"name": "  "}, "name"),
        ({"owner": "pd_staff"}, "owner"),
        ({"planned_finish_offset": -1}, "planned_finish"),
        ({"planned_start_offset": -40}, "planned_start"),
        ({"planned_finish_offset": 60}, "planned_finish"),
        ({"deliverable_standard": ""}, "deliverable_standard"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_create_task_rejects_bad_plan_with_field(demo, overrides, field):
    request = confirmed_request(demo)
    today = timezone.localdate()
    values = plan(request)
    owner = demo[overrides.pop("owner", "te_staff")]
    if "planned_finish_offset" in overrides:
        values["planned_finish"] = today + timedelta(days=overrides.pop("planned_finish_offset"))
    if "planned_start_offset" in overrides:
        values["planned_start"] = today + timedelta(days=overrides.pop("planned_start_offset"))
    values.update(overrides)
    with pytest.raises(TaskError) as error:
        services.create_task(
            request=request,
            department=Department.objects.get(code="TE"),
            by=demo["te_head"],
            owner=owner,
            **values,
        )
    assert error.value.field == field
    assert not Task.objects.exists()


@pytest.mark.parametrize("username", ["te_staff", "te_liaison", "pd_head", "mt_staff", "admin"])
def test_create_task_refused_to_all_but_the_department_head(demo, username):
    request = confirmed_request(demo, to=("TE", "PD"))
    with pytest.raises(TaskError):
        services.create_task(
            request=request,
            department=Department.objects.get(code="TE"),
            by=demo[username],
            owner=demo["te_staff"],
            **plan(request),
        )
    assert not Task.objects.exists()


def test_create_task_refused_before_confirmation(demo):
    request = confirmed_request(demo, to=("TE",), confirm=False)
    assert request.state == RequestState.AWAITING_CONFIRMATION
    with pytest.raises(TaskError, match="in progress"):
        services.create_task(
            request=request,
            department=Department.objects.get(code="TE"),
            by=demo["te_head"],
            owner=demo["te_staff"],
            **plan(request),
        )
    assert not Task.objects.exists()


def test_create_task_refused_for_unaddressed_department(demo):
    request = confirmed_request(demo, to=("TE",))
    with pytest.raises(TaskError, match="not addressed"):
        services.create_task(
            request=request,
            department=Department.objects.get(code="PD"),
            by=demo["pd_head"],
            owner=demo["pd_staff"],
            **plan(request),
        )


def test_update_task_changes_plan_and_keeps_reason(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request, collaborators=["te_liaison"])
    new_finish = task.planned_finish + timedelta(days=2)
    task = services.update_task(
        task=task,
        by=demo["te_head"],
        name="Build and test the page",
        owner=demo["te_liaison"],
        collaborators=[demo["hr_staff"]],
        priority="high",
        planned_start=task.planned_start,
        planned_finish=new_finish,
        deliverable_standard=task.deliverable_standard,
        comment="Scope grew",
    )
    task.refresh_from_db()
    assert task.owner == demo["te_liaison"]
    assert task.due_date == new_finish
    event = TaskEvent.objects.get(task=task, verb=events.EDITED)
    assert event.comment == "Scope grew"
    assert set(event.data["fields"]) >= {"name", "owner", "priority", "planned_finish"}
    assert "collaborators" in event.data["fields"]
    assert task.history.count() >= 2


def test_cancel_task_needs_reason_and_is_final(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    with pytest.raises(TaskError) as error:
        services.cancel_task(task=task, by=demo["te_head"], reason=" ")
    assert error.value.field == "reason"
    task = services.cancel_task(task=task, by=demo["te_head"], reason="Not needed any more")
    assert task.state == TaskState.CANCELLED
    assert task.cancel_reason == "Not needed any more"
    assert TaskEvent.objects.get(task=task, verb=events.CANCELLED).comment == "Not needed any more"
    with pytest.raises(TaskError, match="Already cancelled by"):
        services.cancel_task(task=task, by=demo["te_head"], reason="again")
    with pytest.raises(TaskError):
        services.start_task(task=task, by=demo["te_staff"])


def test_cancel_and_edit_refused_after_delivery(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    with pytest.raises(TaskError, match="Already delivered by"):
        services.cancel_task(task=task, by=demo["te_head"], reason="late")
    with pytest.raises(TaskError, match="Already delivered by"):
        services.update_task(
            task=task,
            by=demo["te_head"],
            **{
                "name": "x",
                "owner": task.owner,
                "priority": "low",
                "planned_start": task.planned_start,
                "planned_finish": task.planned_finish,
                "deliverable_standard": "y",
            },
        )


# --- work, delivery, acceptance ------------------------------------------------------


def test_full_cycle_with_rejection_keeps_every_round(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request, collaborators=["te_liaison"])
    task = services.start_task(task=task, by=demo["te_staff"])
    assert task.state == TaskState.IN_PROGRESS
    assert task.actual_start is not None

    services.post_progress(task=task, by=demo["te_staff"], text="Layout done", percent=30)
    services.post_progress(task=task, by=demo["te_liaison"], text="Copy drafted")
    task.refresh_from_db()
    assert task.progress_percent == 30

    first = services.deliver_task(
        task=task,
        by=demo["te_staff"],
        note="First version",
        files=[upload()],
        links=["https://example.com/preview"],
    )
    assert first.number == 1
    assert first.deliverables.count() == 2
    assert first.feedback_due > first.delivered_at

    deadline = timezone.localdate() + timedelta(days=3)
    task = services.reject_task(
        task=task, by=demo["mt_staff"], changes="Bigger buttons", new_deadline=deadline
    )
    assert task.state == TaskState.REWORK
    assert task.rejection_rounds == 1
    assert task.due_date == deadline
    assert task.planned_finish != deadline  # the plan stays as it was

    task = services.resume_task(task=task, by=demo["te_staff"])
    assert task.state == TaskState.IN_PROGRESS
    second = services.deliver_task(task=task, by=demo["te_staff"], files=[upload("v2.pdf")])
    assert second.number == 2
    task = services.accept_task(task=task, by=demo["mt_head"], comment="Good")
    assert task.state == TaskState.ACCEPTED
    assert task.accepted_by == demo["mt_head"]
    assert task.actual_finish == second.delivered_at

    rounds = list(AcceptanceRound.objects.filter(task=task).order_by("number"))
    assert [r.result for r in rounds] == [RoundResult.FAILED, RoundResult.PASSED]
    assert rounds[0].required_changes == "Bigger buttons"
    assert rounds[0].new_deadline == deadline
    assert rounds[1].decided_by == demo["mt_head"]
    assert verbs(task) == [
        events.CREATED,
        events.STARTED,
        events.PROGRESS,
        events.PROGRESS,
        events.DELIVERED,
        events.REJECTED,
        events.RESUMED,
        events.DELIVERED,
        events.ACCEPTED,
    ]


def test_second_progress_post_same_day_joins_the_days_entry(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    services.post_progress(task=task, by=demo["te_staff"], text="Morning", percent=10)
    entry = services.post_progress(
        task=task, by=demo["te_staff"], text="Afternoon", percent=20, files=[upload("a.png")]
    )
    assert ProgressEntry.objects.filter(task=task).count() == 1
    entry.refresh_from_db()
    assert "Morning" in entry.text and "Afternoon" in entry.text
    assert entry.percent == 20
    assert entry.files.count() == 1


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"text": ""}, "text"),
        ({"text": "x", "percent": 120}, "percent"),
        ({"text": "x", "files": "bad"}, "files"),
    ],
)
def test_progress_rejects_bad_input(demo, kwargs, field):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    if kwargs.get("files") == "bad":
        kwargs["files"] = [upload("tool.exe", b"MZ", "application/octet-stream")]
    with pytest.raises(TaskError) as error:
        services.post_progress(task=task, by=demo["te_staff"], **kwargs)
    assert error.value.field == field


def test_progress_refused_to_people_not_on_the_task(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    with pytest.raises(TaskError, match="not allowed"):
        services.post_progress(task=task, by=demo["te_liaison"], text="Hi")


def test_deliver_needs_a_file_or_link(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    with pytest.raises(TaskError) as error:
        services.deliver_task(task=task, by=demo["te_staff"], note="Nothing")
    assert error.value.field == "files"
    with pytest.raises(TaskError) as error:
        services.deliver_task(task=task, by=demo["te_staff"], links=["javascript:alert(1)"])
    assert error.value.field == "links"
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS


def test_reject_needs_changes_and_a_future_deadline(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    with pytest.raises(TaskError) as error:
        services.reject_task(
            task=task, by=demo["mt_staff"], changes="", new_deadline=timezone.localdate()
        )
    assert error.value.field == "changes"
    with pytest.raises(TaskError) as error:
        services.reject_task(
            task=task,
            by=demo["mt_staff"],
            changes="More",
            new_deadline=timezone.localdate() - timedelta(days=1),
        )
    assert error.value.field == "new_deadline"


def test_second_delivery_click_is_explained(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    stale = Task.objects.get(pk=task.pk)
    services.deliver_task(task=task, by=demo["te_staff"], files=[upload()])
    with pytest.raises(TaskError, match="Already delivered by 唐专员 at"):
        services.deliver_task(task=stale, by=demo["te_staff"], files=[upload()])
    assert AcceptanceRound.objects.filter(task=task).count() == 1


def test_accept_after_other_side_accepted_is_explained(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    stale = Task.objects.get(pk=task.pk)
    services.accept_task(task=task, by=demo["mt_head"])
    with pytest.raises(TaskError, match="Already accepted by 马经理"):
        services.reject_task(
            task=stale,
            by=demo["mt_staff"],
            changes="x",
            new_deadline=timezone.localdate() + timedelta(days=1),
        )


@pytest.mark.parametrize(
    "state,action",
    [
        ("todo", "deliver"),
        ("todo", "accept"),
        ("todo", "resume"),
        ("in_progress", "start"),
        ("in_progress", "accept"),
        ("in_progress", "reject"),
        ("delivered", "start"),
        ("delivered", "deliver"),
        ("delivered", "cancel"),
        ("accepted", "reject"),
        ("accepted", "deliver"),
        ("accepted", "cancel"),
        ("accepted", "start"),
        ("rework", "accept"),
        ("rework", "deliver"),
        ("cancelled", "start"),
    ],
)
def test_forbidden_transitions_raise_on_the_model(demo, state, action):
    request = confirmed_request(demo)
    task = _task_in(demo, request, state)
    with pytest.raises(TransitionNotAllowed):
        getattr(task, action)()


def test_state_field_is_protected(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    with pytest.raises(AttributeError):
        task.state = TaskState.ACCEPTED


def _task_in(demo, request, state):
    task = make_task(demo, request)
    if state == "todo":
        return task
    if state == "cancelled":
        return services.cancel_task(task=task, by=demo["te_head"], reason="x")
    services.start_task(task=task, by=demo["te_staff"])
    if state == "in_progress":
        return Task.objects.get(pk=task.pk)
    services.deliver_task(task=task, by=demo["te_staff"], files=[upload()])
    if state == "delivered":
        return Task.objects.get(pk=task.pk)
    if state == "accepted":
        return services.accept_task(task=task, by=demo["mt_staff"])
    return services.reject_task(
        task=task,
        by=demo["mt_staff"],
        changes="x",
        new_deadline=timezone.localdate() + timedelta(days=2),
    )


@pytest.mark.parametrize(
    "state,service,username",
    [
        ("todo", "deliver", "te_staff"),
        ("in_progress", "start", "te_staff"),
        ("delivered", "resume", "te_staff"),
        ("in_progress", "accept", "mt_staff"),
        ("accepted", "cancel", "te_head"),
        ("rework", "deliver", "te_staff"),
    ],
)
def test_services_refuse_transitions_from_wrong_state(demo, state, service, username):
    request = confirmed_request(demo)
    task = _task_in(demo, request, state)
    calls = {
        "deliver": lambda: services.deliver_task(task=task, by=demo[username], files=[upload()]),
        "start": lambda: services.start_task(task=task, by=demo[username]),
        "resume": lambda: services.resume_task(task=task, by=demo[username]),
        "accept": lambda: services.accept_task(task=task, by=demo[username]),
        "cancel": lambda: services.cancel_task(task=task, by=demo[username], reason="x"),
    }
    with pytest.raises(TaskError):
        calls[service]()
    assert Task.objects.get(pk=task.pk).state == state


def test_accepted_task_cannot_change_any_more(demo):
    request = confirmed_request(demo)
    task = accepted_task(demo, request)
    for call in (
        lambda: services.post_progress(task=task, by=demo["te_staff"], text="more"),
        lambda: services.deliver_task(task=task, by=demo["te_staff"], files=[upload()]),
        lambda: services.cancel_task(task=task, by=demo["te_head"], reason="x"),
        lambda: services.reject_task(
            task=task,
            by=demo["mt_staff"],
            changes="x",
            new_deadline=timezone.localdate() + timedelta(days=1),
        ),
    ):
        with pytest.raises(TaskError):
            call()
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED
    assert task.deliverables.count() == 1


def test_task_actions_freeze_when_request_is_cancelled(demo):
    from requests_app import services as request_services

    request = confirmed_request(demo)
    task = make_task(demo, request)
    request_services.cancel_request(request=request, by=demo["leader1"], comment="Budget cut")
    with pytest.raises(TaskError, match="no longer in progress"):
        services.start_task(task=task, by=demo["te_staff"])


# --- rating and completion -----------------------------------------------------------


def _rate(demo, request, code, by="mt_staff"):
    return services.rate_department(
        request=request,
        department=Department.objects.get(code=code),
        by=demo[by],
        speed=5,
        professionalism=4,
        cooperation=3,
        remarks="Thanks",
    )


def test_request_completes_only_after_both_departments_accepted_and_rated(demo):
    request = confirmed_request(demo, to=("TE", "PD"))
    accepted_task(demo, request, code="TE")
    pd_task = delivered_task(demo, request, code="PD")

    _rate(demo, request, "TE")
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS

    with pytest.raises(TaskError, match="once all its tasks are accepted"):
        _rate(demo, request, "PD")
    services.accept_task(task=pd_task, by=demo["mt_staff"])
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS  # accepted, not yet rated

    rating = _rate(demo, request, "PD", by="mt_head")
    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED
    assert (rating.speed, rating.professionalism, rating.cooperation) == (5, 4, 3)
    assert rating.rated_by == demo["mt_head"]


def test_cancelled_tasks_do_not_block_rating(demo):
    request = confirmed_request(demo)
    accepted_task(demo, request)
    extra = make_task(demo, request, name="Optional extra")
    services.cancel_task(task=extra, by=demo["te_head"], reason="Dropped")
    _rate(demo, request, "TE")
    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED


def test_department_with_only_cancelled_tasks_cannot_be_rated(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.cancel_task(task=task, by=demo["te_head"], reason="Dropped")
    with pytest.raises(TaskError, match="once all its tasks are accepted"):
        _rate(demo, request, "TE")


def test_rating_twice_is_explained_and_closes_the_department(demo):
    request = confirmed_request(demo, to=("TE", "PD"))
    accepted_task(demo, request)
    _rate(demo, request, "TE")
    with pytest.raises(TaskError, match="already rated by 马专员"):
        _rate(demo, request, "TE", by="mt_head")
    with pytest.raises(TaskError, match="already rated"):
        make_task(demo, request)
    assert DepartmentRating.objects.count() == 1


@pytest.mark.parametrize("username", ["te_head", "te_staff", "pd_head", "leader1", "secretary"])
def test_rating_refused_outside_the_requester_side(demo, username):
    request = confirmed_request(demo)
    accepted_task(demo, request)
    with pytest.raises(TaskError, match="not allowed"):
        _rate(demo, request, "TE", by=username)


@pytest.mark.parametrize("score", [0, 6, "5", None])
def test_rating_scores_must_be_1_to_5(demo, score):
    request = confirmed_request(demo)
    accepted_task(demo, request)
    with pytest.raises(TaskError) as error:
        services.rate_department(
            request=request,
            department=Department.objects.get(code="TE"),
            by=demo["mt_staff"],
            speed=score,
            professionalism=3,
            cooperation=3,
        )
    assert error.value.field == "speed"


# --- access for the people on a task -------------------------------------------------


def test_owner_and_collaborators_get_to_read_a_confidential_request(demo):
    request = confirmed_request(demo, confidential=True)
    assert not visible_requests(demo["te_staff"]).filter(pk=request.pk).exists()
    task = make_task(demo, request, collaborators=["hr_staff"])
    assert visible_requests(demo["te_staff"]).filter(pk=request.pk).exists()
    assert visible_requests(demo["hr_staff"]).filter(pk=request.pk).exists()
    assert not visible_requests(demo["pd_staff"]).filter(pk=request.pk).exists()

    services.update_task(
        task=task,
        by=demo["te_head"],
        name=task.name,
        owner=task.owner,
        collaborators=[],
        priority=task.priority,
        planned_start=task.planned_start,
        planned_finish=task.planned_finish,
        deliverable_standard=task.deliverable_standard,
    )
    assert not visible_requests(demo["hr_staff"]).filter(pk=request.pk).exists()
    assert visible_requests(demo["te_staff"]).filter(pk=request.pk).exists()


def test_removal_keeps_a_grant_the_requester_made(demo):
    from requests_app import services as request_services

    request = confirmed_request(demo, confidential=True)
    task = make_task(demo, request, collaborators=["hr_staff"])
    request_services.grant_access(request=request, by=demo["mt_staff"], user=demo["hr_staff"])
    services.update_task(
        task=task,
        by=demo["te_head"],
        name=task.name,
        owner=task.owner,
        collaborators=[],
        priority=task.priority,
        planned_start=task.planned_start,
        planned_finish=task.planned_finish,
        deliverable_standard=task.deliverable_standard,
    )
    assert visible_requests(demo["hr_staff"]).filter(pk=request.pk).exists()
