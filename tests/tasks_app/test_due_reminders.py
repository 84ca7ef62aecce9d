"""Reminders of a task's current deadline with an injected clock: before / at the close
of office on the due date to the owner, escalated to the department's head after it;
re-armed by an edit or a rejection, stopped by delivery; the sweep sends each once."""

import datetime
import zoneinfo
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collab.notify import reminders as engine
from collab.notify.models import LateReason, Notification, Reminder
from issues_app.services.common import end_of_office_day
from tasks_app import reminders, services
from tasks_app.models import Task, TaskState

from .factories import confirmed_request, make_task, upload

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


# Monday 2026-11-16 10:00 in Shanghai; office 09:00–18:00, no holidays that week.
ARMED = at("2026-11-16 10:00")
FRIDAY = datetime.date(2026, 11, 20)


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """A sweep whose after-commit sends run, as in a worker (Celery is eager here)."""

    def _run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return engine.sweep(now=now)

    return _run


def due_friday(task, *, now=ARMED):
    """The task's deadline moved to Friday and armed at `now`."""
    Task.objects.filter(pk=task.pk).update(due_date=FRIDAY)
    task.refresh_from_db()
    reminders.task_due(task=task, now=now)
    return task


def stages(task):
    return {
        (r.stage, r.recipient.username if r.recipient else None): r.fire_at
        for r in open_reminders(task).select_related("recipient")
    }


def open_reminders(task):
    return Reminder.objects.filter(
        kind=reminders.DUE, target_id=task.pk, sent_at__isnull=True, cancelled_at__isnull=True
    )


def told(user):
    return list(
        Notification.objects.filter(
            recipient=user, event__in=["notify.reminder", "notify.reminder.digest"]
        )
    )


def test_creating_a_task_arms_its_deadline_for_owner_and_head(demo):
    task = make_task(demo, confirmed_request(demo))
    armed = open_reminders(task)
    assert {r.recipient.username for r in armed.exclude(recipient=None)} == {
        "te_staff",
        "te_head",
    }
    assert armed.filter(stage=engine.ESCALATE, recipient=None).count() == 1
    assert {r.due_at for r in armed} == {end_of_office_day(task.due_date)}
    assert not armed.filter(urgent=True).exists()


@pytest.mark.parametrize(
    ("priority", "before", "due", "explain", "urgent"),
    [
        # 75 % of Monday 10:00 → Friday 18:00 is Thursday 16:00, in office hours. The
        # owner is asked why 24 h after the deadline: Saturday, so Monday's opening.
        ("medium", at("2026-11-19 16:00"), at("2026-11-23 09:00"), at("2026-11-23 09:00"), False),
        # Urgent: the close of office itself, not held back to Monday's opening.
        ("high", at("2026-11-19 16:00"), at("2026-11-20 18:00"), at("2026-11-21 18:00"), True),
    ],
)
def test_deadline_reminders_fire_at_the_right_times(demo, priority, before, due, explain, urgent):
    task = due_friday(make_task(demo, confirmed_request(demo), priority=priority))
    assert stages(task) == {
        ("before", "te_staff"): before,
        ("due", "te_staff"): due,
        ("escalate", "te_head"): due,
        ("escalate", None): due,
        ("explain", "te_staff"): explain,
    }
    assert set(open_reminders(task).values_list("due_at", flat=True)) == {at("2026-11-20 18:00")}
    assert set(open_reminders(task).values_list("urgent", flat=True)) == {urgent}


def test_head_editing_the_deadline_rearms(demo):
    task = make_task(demo, confirmed_request(demo))
    later = task.due_date + timedelta(days=7)
    services.update_task(
        task=task,
        by=demo["te_head"],
        name=task.name,
        owner=task.owner,
        priority=task.priority,
        planned_start=task.planned_start,
        planned_finish=later,
        deliverable_standard=task.deliverable_standard,
    )
    assert {r.due_at for r in open_reminders(task)} == {end_of_office_day(later)}
    # before, due, the head's escalation, the action and the owner's explain stage
    assert open_reminders(task).count() == 5


def test_changing_the_owner_moves_the_reminders(demo):
    task = make_task(demo, confirmed_request(demo))
    services.update_task(
        task=task,
        by=demo["te_head"],
        name=task.name,
        owner=demo["te_liaison"],
        priority=task.priority,
        planned_start=task.planned_start,
        planned_finish=task.planned_finish,
        deliverable_standard=task.deliverable_standard,
    )
    people = set(open_reminders(task).exclude(recipient=None).values_list("recipient__username"))
    assert people == {("te_liaison",), ("te_head",)}


def test_delivery_cancels_and_a_rejection_rearms_with_the_new_deadline(demo):
    task = make_task(demo, confirmed_request(demo))
    services.start_task(task=task, by=task.owner)
    services.deliver_task(task=task, by=task.owner, files=[upload()])
    assert not open_reminders(task).exists()
    new_deadline = timezone.localdate() + timedelta(days=3)
    services.reject_task(task=task, by=demo["mt_staff"], changes="x", new_deadline=new_deadline)
    assert {r.due_at for r in open_reminders(task)} == {end_of_office_day(new_deadline)}
    services.resume_task(task=task, by=task.owner)
    services.deliver_task(task=task, by=task.owner, files=[upload()])
    services.accept_task(task=task, by=demo["mt_staff"])
    assert not open_reminders(task).exists()


def test_cancelling_the_task_cancels_its_reminders(demo):
    task = make_task(demo, confirmed_request(demo))
    services.cancel_task(task=task, by=demo["te_head"], reason="Not needed")
    assert not open_reminders(task).exists()


def test_overdue_task_reminds_owner_and_escalates_to_head_once(demo, run_sweep):
    for user in ("te_staff", "te_head"):
        demo[user].preferred_language = "en"
        demo[user].save()
    task = due_friday(make_task(demo, confirmed_request(demo), priority="high"))

    assert run_sweep(at("2026-11-19 15:59")) == 0
    assert run_sweep(at("2026-11-20 18:01")) == 4  # before, due, head, the action
    assert run_sweep(at("2026-11-20 18:01")) == 0
    assert run_sweep(at("2026-11-21 17:59")) == 0

    url = reverse("tasks:detail", args=[task.pk])
    (head,) = told(demo["te_head"])
    assert f"Task {task.number} was due" in head.body
    assert "is not delivered" in head.body
    assert head.url == url
    (owner,) = told(demo["te_staff"])  # before and due in one digest
    assert owner.body.count(f"Task {task.number} is due") == 2
    # Escalation only tells; the task stays with its owner.
    task.refresh_from_db()
    assert task.state == TaskState.TODO

    # More than 24 h late: the owner (not the head) is asked why, once.
    assert run_sweep(at("2026-11-21 18:00")) == 1
    assert run_sweep(at("2026-11-23 10:00")) == 0
    (asked,) = LateReason.objects.filter(kind=reminders.DUE, target_id=task.pk)
    assert asked.person == demo["te_staff"] and asked.given_at is None
    assert len(told(demo["te_staff"])) == 2 and len(told(demo["te_head"])) == 1
    assert not open_reminders(task).exists()


def test_reminder_dropped_when_the_task_is_no_longer_open(demo, run_sweep):
    task = due_friday(make_task(demo, confirmed_request(demo), priority="high"))
    # Closed behind the services' back: the send-time check still drops it.
    Task.objects.filter(pk=task.pk).update(state=TaskState.CANCELLED)
    run_sweep(at("2026-11-20 18:01"))
    assert told(demo["te_staff"]) == [] and told(demo["te_head"]) == []
    # Everything due by then (before, due, the head's escalation); asking the owner why
    # the deadline was missed comes only 24 h after it.
    dropped = Reminder.objects.filter(
        kind=reminders.DUE, target_id=task.pk, fire_at__lte=at("2026-11-20 18:01")
    ).exclude(recipient=None)
    assert len(dropped) == 3
    assert all(r.cancelled_at and r.last_error == "no longer applies" for r in dropped)


def test_reminder_dropped_for_a_deadline_that_no_longer_stands(demo):
    task = due_friday(make_task(demo, confirmed_request(demo)))
    reminder = open_reminders(task).get(stage="due")
    Task.objects.filter(pk=task.pk).update(due_date=FRIDAY + timedelta(days=7))
    assert reminders.DueHandler().describe(reminder) is None


def test_describe_all_query_count_same_for_one_and_many(demo):
    request = confirmed_request(demo)
    tasks = [due_friday(make_task(demo, request, name=f"T{n}")) for n in range(5)]
    handler = reminders.DueHandler()

    def count(some):
        batch = list(
            Reminder.objects.filter(
                kind=reminders.DUE, stage="due", target_id__in=[t.pk for t in some]
            )
        )
        with CaptureQueriesContext(connection) as captured:
            items = handler.describe_all(batch)
        assert all(items)
        return len(captured.captured_queries)

    assert count(tasks[:1]) == count(tasks)
