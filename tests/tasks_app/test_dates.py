"""A task's planned finish cannot be in the past, unless it is the plan already saved.
Dates are relative to timezone.localdate()."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from collab.org.models import Department
from tasks_app import services
from tasks_app.errors import TaskError
from tasks_app.forms import TaskForm
from tasks_app.models import Task

from .factories import confirmed_request, make_task

pytestmark = pytest.mark.django_db

PAST_FINISH = "The planned finish cannot be in the past."


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def form_data(demo, **overrides):
    data = {
        "name": "Build the page",
        "owner": demo["te_staff"].pk,
        "priority": "medium",
        "planned_start": days(-5).isoformat(),
        "planned_finish": days(3).isoformat(),
        "deliverable_standard": "Works on mobile.",
    }
    data.update(overrides)
    return data


def test_form_refuses_planned_finish_in_the_past(demo):
    request = confirmed_request(demo)
    te = Department.objects.get(code="TE")
    form = TaskForm(
        form_data(demo, planned_finish=days(-1).isoformat()), department=te, request=request
    )
    assert not form.is_valid()
    assert form.errors["planned_finish"] == [PAST_FINISH]
    assert TaskForm(form_data(demo), department=te, request=request).is_valid()


def test_form_keeps_a_late_task_plan_when_editing_other_fields(demo):
    request = confirmed_request(demo)
    te = Department.objects.get(code="TE")
    data = form_data(demo, planned_finish=days(-1).isoformat(), name="Renamed")
    form = TaskForm(
        data,
        initial={"planned_finish": days(-1)},
        department=te,
        request=request,
        editing=True,
    )
    assert form.is_valid(), form.errors


def test_service_refuses_planned_finish_in_the_past(demo):
    request = confirmed_request(demo)
    with pytest.raises(TaskError) as refused:
        services.create_task(
            request=request,
            department=Department.objects.get(code="TE"),
            by=demo["te_head"],
            name="Build the page",
            owner=demo["te_staff"],
            planned_start=days(-5),
            planned_finish=days(-1),
            deliverable_standard="Works on mobile.",
        )
    assert refused.value.field == "planned_finish"
    assert str(refused.value) == PAST_FINISH
    assert not Task.objects.exists()


def test_service_edits_a_late_task_but_refuses_moving_its_plan_into_the_past(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request, finish_in=-2)
    plan = {
        "by": demo["te_head"],
        "owner": task.owner,
        "priority": task.priority,
        "planned_start": task.planned_start,
        "planned_finish": task.planned_finish,
        "deliverable_standard": task.deliverable_standard,
    }
    services.update_task(task=task, name="Renamed", **plan)
    task.refresh_from_db()
    assert task.name == "Renamed" and task.planned_finish == days(-2)
    with pytest.raises(TaskError) as refused:
        services.update_task(task=task, name="Renamed", **{**plan, "planned_finish": days(-1)})
    assert str(refused.value) == PAST_FINISH
