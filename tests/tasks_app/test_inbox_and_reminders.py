import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from collab.core.inbox import inbox_for
from collab.notify import hooks
from collab.notify import reminders as engine
from collab.notify.models import Notification, Reminder
from collab.org.models import Department
from collab.workdays import calendar
from tasks_app import reminders, selectors, services
from tasks_app.models import AcceptanceRound, Task

from .factories import accepted_task, confirmed_request, delivered_task, make_task, upload

pytestmark = pytest.mark.django_db


def actions(user):
    return [(item.kind, item.action) for item in selectors.work_items(user)]


# --- My work -------------------------------------------------------------------------


def test_head_of_confirmed_department_is_asked_to_break_down(demo):
    request = confirmed_request(demo, to=("TE", "PD"))
    assert any("Break the request into tasks for TE" in a for _, a in actions(demo["te_head"]))
    make_task(demo, request)
    assert not any("for TE" in a for _, a in actions(demo["te_head"]))
    assert any("for PD" in a for _, a in actions(demo["pd_head"]))


def test_owner_sees_start_then_deliver_then_rework(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    owner = demo["te_staff"]
    assert ("Task", "Start the task") in actions(owner)
    services.start_task(task=task, by=owner)
    assert ("Task", "Post progress and deliver") in actions(owner)
    services.deliver_task(task=task, by=owner, files=[upload()])
    assert actions(owner) == []
    services.reject_task(
        task=task,
        by=demo["mt_staff"],
        changes="x",
        new_deadline=timezone.localdate() + timedelta(days=1),
    )
    assert any(a.startswith("Rework") for _, a in actions(owner))


def test_requester_side_is_asked_to_accept_then_rate(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    for who in ("mt_staff", "mt_head"):
        items = selectors.work_items(demo[who])
        accept = [i for i in items if i.action == "Accept the delivery or ask for changes"]
        assert len(accept) == 1
        assert accept[0].due == AcceptanceRound.objects.get(task=task).feedback_due
    assert actions(demo["hr_staff"]) == []
    services.accept_task(task=task, by=demo["mt_staff"])
    rate = [i for i in selectors.work_items(demo["mt_staff"]) if i.action == "Rate TE"]
    te = Department.objects.get(code="TE")
    assert rate[0].url == reverse("tasks:rate", args=[request.pk, te.pk])


def _queries(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = type(user).objects.get(pk=user.pk)  # no cached roles
    with CaptureQueriesContext(connection) as captured:
        items = selectors.work_items(user)
    return len(captured.captured_queries), len(items)


@pytest.mark.parametrize("who", ["mt_head", "te_staff", "hr_head"])
def test_work_items_query_count_is_fixed(demo, who):
    first = confirmed_request(demo, to=("TE", "PD"), title="First")
    delivered_task(demo, first)
    make_task(demo, first)
    few = _queries(demo[who])
    for n in range(30):
        request = confirmed_request(demo, to=("TE", "PD", "HR"), title=f"R{n}")
        delivered_task(demo, request)
        make_task(demo, request)
        accepted_task(demo, request, code="PD")
    many = _queries(demo[who])
    assert many[1] > few[1]
    assert many[0] == few[0]


def test_tasks_appear_in_the_my_work_page(demo):
    request = confirmed_request(demo)
    make_task(demo, request)
    assert any(i.kind == "Task" for i in inbox_for(demo["te_staff"]))


# --- notifications -------------------------------------------------------------------


def test_each_step_notifies_the_next_person_after_commit(demo, django_capture_on_commit_callbacks):
    request = confirmed_request(demo, to=("TE", "PD"))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(demo, request, collaborators=["hr_staff"])
        services.start_task(task=task, by=task.owner)
        services.deliver_task(task=task, by=task.owner, files=[upload()])
        services.reject_task(
            task=task,
            by=demo["mt_staff"],
            changes="x",
            new_deadline=timezone.localdate() + timedelta(days=1),
        )
        services.resume_task(task=task, by=task.owner)
        services.deliver_task(task=task, by=task.owner, files=[upload()])
        services.accept_task(task=task, by=demo["mt_staff"])
        accepted_task(demo, request, code="PD")
        for code in ("TE", "PD"):
            services.rate_department(
                request=request,
                department=Department.objects.get(code=code),
                by=demo["mt_staff"],
                speed=4,
                professionalism=4,
                cooperation=4,
            )

    def got(username, event):
        return Notification.objects.filter(recipient=demo[username], event=event).count()

    assert got("te_staff", "tasks.task.assigned") == 1
    assert got("hr_staff", "tasks.task.assigned") == 1
    assert got("mt_staff", "tasks.task.delivered") == 3  # two TE rounds, one PD
    assert got("mt_head", "tasks.task.delivered") == 3
    assert got("te_staff", "tasks.task.rejected") == 1
    assert got("hr_staff", "tasks.task.rejected") == 1
    assert got("te_staff", "tasks.task.accepted") == 1
    assert got("te_head", "tasks.task.accepted") == 1
    assert got("te_head", "tasks.department.rated") == 1
    # Nobody is told about their own action.
    assert got("mt_staff", "tasks.task.accepted") == 0
    subject = Notification.objects.filter(recipient=demo["te_staff"], event="tasks.task.rejected")
    assert task.number in subject.get().subject


# --- reminders -----------------------------------------------------------------------


def test_delivery_arms_feedback_reminders_and_the_decision_stops_them(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    round_ = AcceptanceRound.objects.get(task=task)
    armed = Reminder.objects.filter(kind=reminders.FEEDBACK, target_id=round_.pk)
    assert set(armed.exclude(recipient=None).values_list("recipient__username", flat=True)) == {
        "mt_staff",
        "mt_head",
    }
    assert armed.filter(stage="due").get().due_at == round_.feedback_due
    # 1 working day after delivery (DOMAIN §4).
    assert round_.feedback_due == calendar.add_working_days(round_.delivered_at, 1)
    services.accept_task(task=task, by=demo["mt_staff"])
    assert not armed.filter(cancelled_at__isnull=True, sent_at__isnull=True).exists()


def test_feedback_reminder_wording_and_drop_after_decision(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    reminder = Reminder.objects.filter(
        kind=reminders.FEEDBACK, stage="due", recipient=demo["mt_staff"]
    ).get()
    item = reminders.FeedbackHandler().describe(reminder)
    assert task.number in item.title
    assert item.url == reverse("tasks:detail", args=[task.pk])
    services.accept_task(task=task, by=demo["mt_staff"])
    assert reminders.FeedbackHandler().describe(reminder) is None


def _working_day():
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def test_daily_progress_reminds_owners_without_todays_entry(demo):
    request = confirmed_request(demo)
    quiet = make_task(demo, request, name="Quiet")
    busy = make_task(demo, request, owner="te_liaison", name="Busy")
    waiting = make_task(demo, request, owner="te_head", name="Not started")
    for task in (quiet, busy):
        services.start_task(task=task, by=task.owner)
    day = _working_day()
    services.post_progress(task=busy, by=busy.owner, text="done")
    # The entry was written today; move it to the day we sweep for.
    busy.progress.update(date=day)
    assert {d.target_id for d in reminders.owners_without_entry(day)} == {quiet.pk}
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30)))
    assert hooks.daily_progress(now=moment) >= 1
    assert hooks.daily_progress(now=moment) == 0  # once per task and day
    reminder = Reminder.objects.get(kind=reminders.PROGRESS, target_id=quiet.pk)
    assert reminder.recipient == demo["te_staff"]
    assert not Reminder.objects.filter(kind=reminders.PROGRESS, target_id=waiting.pk).exists()


def test_progress_reminder_dropped_once_the_entry_is_posted(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=task.owner)
    reminder = engine.schedule_reminder(
        kind=reminders.PROGRESS,
        target=task,
        stage="daily-progress-test",
        recipient=task.owner,
        fire_at=timezone.now(),
    )
    assert reminders.ProgressHandler().describe(reminder) is not None
    services.post_progress(task=task, by=task.owner, text="x")
    assert reminders.ProgressHandler().describe(reminder) is None


# --- progress days -------------------------------------------------------------------


def test_progress_days_mark_working_days_with_and_without_entry(demo):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=task.owner)
    services.post_progress(task=task, by=task.owner, text="x")
    today = timezone.localdate()
    start = today - timedelta(days=14)
    Task.objects.filter(pk=task.pk).update(actual_start=timezone.now() - timedelta(days=14))
    entry = task.progress.get()
    entry.date = _working_day()
    entry.save()
    task = selectors.task_for_page(demo["te_staff"], task.pk)
    days = selectors.progress_days(task, today=today)
    dates = [d["date"] for d in days]
    assert all(calendar.is_working_day(d) for d in dates)
    assert min(dates) >= start and max(dates) <= today
    expected = sum(1 for n in range(15) if calendar.is_working_day(start + timedelta(days=n)))
    assert len(days) == expected
    with_entry = [d for d in days if d["has_entry"]]
    assert [d["date"] for d in with_entry] == [entry.date]
    assert with_entry[0]["authors"] == [demo["te_staff"].name]


# --- demo data -----------------------------------------------------------------------


def test_demo_seeder_is_idempotent(demo):
    from requests_app.demo import seed_requests
    from tasks_app.demo import seed_tasks

    seed_requests(demo)
    seed_tasks(demo)
    count = Task.objects.count()
    assert count == 3
    seed_tasks(demo)
    assert Task.objects.count() == count
