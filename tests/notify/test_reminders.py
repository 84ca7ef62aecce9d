import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from collab.notify import hooks, reminders
from collab.notify.models import LateReason, Notification, Reminder
from collab.notify.reminders import (
    ReminderError,
    ReminderHandler,
    ReminderItem,
    cancel_reminders,
    schedule_deadline,
    schedule_reminder,
    send,
    sweep,
)

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


class ThingHandler(ReminderHandler):
    def __init__(self):
        self.escalated: list[int] = []
        self.gone: set[int] = set()
        self.broken: set[int] = set()

    def describe(self, reminder):
        if reminder.target_id in self.gone:
            return None
        if reminder.target_id in self.broken:
            raise RuntimeError("handler bug")
        return ReminderItem(
            title=f"Thing {reminder.target_id}",
            text=f"{reminder.stage}: {reminders.default_text(reminder)}",
            url=f"/things/{reminder.target_id}/",
        )

    def escalate(self, reminder):
        self.escalated.append(reminder.target_id)


@pytest.fixture
def handler():
    instance = reminders.register_handler("tests.thing", ThingHandler())
    yield instance
    reminders.HANDLERS.pop("tests.thing", None)


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """A sweep whose after-commit sends run, as in a worker (Celery is eager here)."""

    def _run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now)

    return _run


def _stages(target_id=1):
    return {
        (r.stage, r.recipient.username if r.recipient else None): r.fire_at
        for r in Reminder.objects.filter(target_id=target_id)
    }


def test_schedule_deadline_creates_before_due_and_escalation(demo, handler):
    schedule_deadline(
        kind="tests.thing",
        target=1,
        due_at=at(2026, 3, 3, 10),
        recipients=[demo["te_liaison"]],
        escalate_to=[demo["te_head"]],
        start=at(2026, 3, 2, 10),
    )

    assert _stages() == {
        # 75 % of 24 h is 04:00 on Tuesday: moved to the office opening.
        ("before", "te_liaison"): at(2026, 3, 3, 9),
        ("due", "te_liaison"): at(2026, 3, 3, 10),
        ("escalate", "te_head"): at(2026, 3, 3, 10),
        ("escalate", None): at(2026, 3, 3, 10),
        # A delay of more than 24 h is explained by the holder (DOMAIN §8).
        ("explain", "te_liaison"): at(2026, 3, 4, 10),
    }


def test_schedule_deadline_urgent_fires_at_night(demo, handler):
    schedule_deadline(
        kind="tests.thing",
        target=1,
        due_at=at(2026, 3, 3, 10),
        recipients=[demo["te_liaison"]],
        escalate_to=[],
        urgent=True,
        start=at(2026, 3, 2, 10),
    )

    assert _stages()[("before", "te_liaison")] == at(2026, 3, 3, 4)


def test_schedule_deadline_before_moved_past_deadline_is_dropped(demo, handler):
    # Friday 17:00 to 21:00: the 20:00 reminder would only go out on Monday morning.
    schedule_deadline(
        kind="tests.thing",
        target=1,
        due_at=at(2026, 3, 6, 21),
        recipients=[demo["te_liaison"]],
        start=at(2026, 3, 6, 17),
    )

    stages = _stages()
    assert ("before", "te_liaison") not in stages
    assert stages[("due", "te_liaison")] == at(2026, 3, 9, 9)


def test_schedule_deadline_custom_fraction_and_escalation_delay(demo, handler):
    schedule_deadline(
        kind="tests.thing",
        target=1,
        due_at=at(2026, 3, 5, 10),
        recipients=[demo["te_liaison"]],
        escalate_to=[demo["te_head"]],
        start=at(2026, 3, 3, 10),
        before_fraction=0.5,
        escalate_after=datetime.timedelta(hours=2),
    )

    stages = _stages()
    assert stages[("before", "te_liaison")] == at(2026, 3, 4, 10)
    assert stages[("escalate", "te_head")] == at(2026, 3, 5, 12)


def test_schedule_deadline_unknown_kind_and_bad_fraction_refused(demo, handler):
    with pytest.raises(ReminderError):
        schedule_deadline(kind="nobody.knows", target=1, due_at=at(2026, 3, 3, 10), recipients=[])
    with pytest.raises(ReminderError):
        schedule_deadline(
            kind="tests.thing",
            target=1,
            due_at=at(2026, 3, 3, 10),
            recipients=[],
            before_fraction=1,
        )


def test_schedule_deadline_again_same_deadline_does_not_resend(demo, handler, run_sweep):
    kwargs = {
        "kind": "tests.thing",
        "target": 1,
        "due_at": at(2026, 3, 3, 10),
        "recipients": [demo["te_liaison"]],
        "start": at(2026, 3, 2, 10),
    }
    schedule_deadline(**kwargs)
    run_sweep(at(2026, 3, 3, 9, 30))

    schedule_deadline(**kwargs)
    run_sweep(at(2026, 3, 3, 9, 31))

    assert Notification.objects.filter(recipient=demo["te_liaison"]).count() == 1


def test_schedule_deadline_new_deadline_rearms(demo, handler, run_sweep):
    base = {"kind": "tests.thing", "target": 1, "recipients": [demo["te_liaison"]]}
    schedule_deadline(**base, due_at=at(2026, 3, 3, 10), start=at(2026, 3, 2, 10))
    run_sweep(at(2026, 3, 3, 9, 30))

    schedule_deadline(**base, due_at=at(2026, 3, 5, 10), start=at(2026, 3, 3, 9, 40))

    before = Reminder.objects.get(stage="before")
    assert before.sent_at is None and before.fire_at > at(2026, 3, 4, 9)


def test_sweep_before_fire_time_claims_nothing(demo, handler, run_sweep):
    schedule_reminder(
        kind="tests.thing",
        target=1,
        stage="meeting",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 10),
    )

    assert run_sweep(at(2026, 3, 3, 9, 59)) == 0
    assert not Notification.objects.exists()


def test_sweep_twice_sends_once(demo, handler, run_sweep):
    schedule_reminder(
        kind="tests.thing",
        target=1,
        stage="meeting",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 10),
    )

    assert run_sweep(at(2026, 3, 3, 10)) == 1
    assert run_sweep(at(2026, 3, 3, 10, 1)) == 0

    notification = Notification.objects.get()
    assert notification.recipient == demo["mt_staff"]
    assert notification.url == "/things/1/"
    assert "Thing 1" in notification.subject
    reminder = Reminder.objects.get()
    assert reminder.sent_at is not None and reminder.notification == notification


def test_send_repeated_with_same_ids_sends_once(demo, handler, django_capture_on_commit_callbacks):
    reminder = schedule_reminder(
        kind="tests.thing",
        target=1,
        stage="meeting",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 10),
    )
    sweep(now=at(2026, 3, 3, 10))  # claims; its queued send is lost (callbacks not run)

    assert send(reminder_ids=[reminder.pk], now=at(2026, 3, 3, 10)) == 1
    assert send(reminder_ids=[reminder.pk], now=at(2026, 3, 3, 10)) == 0
    assert Notification.objects.count() == 1


def test_sweep_digest_for_many_items_of_one_person(demo, handler, run_sweep):
    for target in (1, 2, 3):
        schedule_reminder(
            kind="tests.thing",
            target=target,
            stage="meeting",
            recipient=demo["mt_staff"],
            fire_at=at(2026, 3, 3, 10),
        )
    schedule_reminder(
        kind="tests.thing",
        target=1,
        stage="meeting",
        recipient=demo["te_staff"],
        fire_at=at(2026, 3, 3, 10),
    )

    run_sweep(at(2026, 3, 3, 10))

    digest = Notification.objects.get(recipient=demo["mt_staff"])
    assert digest.event == "notify.reminder.digest"
    assert all(f"Thing {n}" in digest.body for n in (1, 2, 3))
    assert "3" in digest.subject
    assert Notification.objects.get(recipient=demo["te_staff"]).event == "notify.reminder"


def test_sweep_non_urgent_waits_for_office_hours(demo, handler, run_sweep):
    Reminder.objects.create(
        kind="tests.thing",
        target_id=1,
        stage="quiet",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 20),
    )
    Reminder.objects.create(
        kind="tests.thing",
        target_id=2,
        stage="loud",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 20),
        urgent=True,
    )

    assert run_sweep(at(2026, 3, 3, 22)) == 1
    assert Notification.objects.get().url == "/things/2/"
    assert run_sweep(at(2026, 3, 4, 9)) == 1
    assert Notification.objects.count() == 2


def test_sweep_escalation_action_runs_once_per_target(demo, handler, run_sweep):
    schedule_deadline(
        kind="tests.thing",
        target=7,
        due_at=at(2026, 3, 3, 10),
        recipients=[demo["te_liaison"]],
        escalate_to=[demo["te_head"], demo["leader2"]],
        start=at(2026, 3, 2, 10),
    )

    run_sweep(at(2026, 3, 3, 10))
    run_sweep(at(2026, 3, 3, 11))

    assert handler.escalated == [7]
    head_note = Notification.objects.get(recipient=demo["te_head"])
    assert "escalate" in head_note.body
    assert Notification.objects.filter(recipient=demo["leader2"]).count() == 1


def test_cancel_reminders_stops_unsent(demo, handler, run_sweep):
    schedule_deadline(
        kind="tests.thing",
        target=1,
        due_at=at(2026, 3, 3, 10),
        recipients=[demo["te_liaison"]],
        escalate_to=[demo["te_head"]],
        start=at(2026, 3, 2, 10),
    )
    run_sweep(at(2026, 3, 3, 9, 30))  # the "before" one goes out

    cancelled = cancel_reminders(kind="tests.thing", target=1, now=at(2026, 3, 3, 9, 45))
    run_sweep(at(2026, 3, 3, 12))
    run_sweep(at(2026, 3, 4, 12))  # past the explain time too

    # due, both escalations and the explain stage: done in time, nobody is asked why.
    assert cancelled == 4
    assert Notification.objects.count() == 1
    assert handler.escalated == []
    assert not LateReason.objects.exists()


def test_sweep_target_gone_drops_reminder(demo, handler, run_sweep):
    handler.gone.add(1)
    schedule_reminder(
        kind="tests.thing",
        target=1,
        stage="meeting",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 10),
    )

    run_sweep(at(2026, 3, 3, 10))

    reminder = Reminder.objects.get()
    assert reminder.cancelled_at is not None and reminder.sent_at is None
    assert not Notification.objects.exists()


def test_sweep_broken_handler_does_not_block_others(demo, handler, run_sweep):
    handler.broken.add(1)
    for target in (1, 2):
        schedule_reminder(
            kind="tests.thing",
            target=target,
            stage="meeting",
            recipient=demo["mt_staff"],
            fire_at=at(2026, 3, 3, 10),
        )

    run_sweep(at(2026, 3, 3, 10))

    broken = Reminder.objects.get(target_id=1)
    assert broken.sent_at is None and broken.attempts == 1 and "handler bug" in broken.last_error
    assert Reminder.objects.get(target_id=2).sent_at is not None
    assert Notification.objects.get().url == "/things/2/"


@override_settings(NOTIFY_CLAIM_TIMEOUT_SECONDS=300)
def test_sweep_takes_back_stale_claim(demo, handler, run_sweep):
    schedule_reminder(
        kind="tests.thing",
        target=1,
        stage="meeting",
        recipient=demo["mt_staff"],
        fire_at=at(2026, 3, 3, 10),
    )
    sweep(now=at(2026, 3, 3, 10))  # the worker dies before its send runs

    assert run_sweep(at(2026, 3, 3, 10, 4)) == 0  # still held by the dead worker
    assert run_sweep(at(2026, 3, 3, 10, 6)) == 1
    assert run_sweep(at(2026, 3, 3, 10, 20)) == 0
    assert Notification.objects.count() == 1


def test_sweep_query_count_same_for_one_and_twenty_items(
    demo, handler, django_capture_on_commit_callbacks
):
    def run(targets, now):
        for target in targets:
            schedule_reminder(
                kind="tests.thing",
                target=target,
                stage="meeting",
                recipient=demo["mt_staff"],
                fire_at=now,
            )
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            sweep(now=now)
        return len(queries.captured_queries)

    one = run([1], at(2026, 3, 3, 10))
    twenty = run(range(100, 120), at(2026, 3, 4, 10))

    assert Notification.objects.count() == 2
    assert twenty == one


def test_daily_progress_hook_once_per_day_and_only_on_working_days(demo, handler):
    owners = [demo["te_staff"], demo["pd_staff"]]

    def source(day):
        return [
            hooks.ProgressDue(kind="tests.thing", target_id=i, recipient=u)
            for i, u in enumerate(owners)
        ]

    hooks.DAILY_PROGRESS.append(source)
    try:
        first = hooks.daily_progress(now=at(2026, 3, 3, 16, 30))
        again = hooks.daily_progress(now=at(2026, 3, 3, 16, 31))
        holiday = hooks.daily_progress(now=at(2026, 10, 2, 16, 30))
        adjusted_saturday = hooks.daily_progress(now=at(2026, 10, 10, 16, 30))
    finally:
        hooks.DAILY_PROGRESS.remove(source)

    assert (first, again, holiday, adjusted_saturday) == (2, 0, 0, 2)
    assert Reminder.objects.filter(stage="daily-progress-2026-03-03").count() == 2


def test_working_morning_hooks_skip_holidays(db):
    calls = []
    hooks.MORNING.append(calls.append)
    try:
        hooks.working_morning(now=at(2026, 10, 5, 9))
        hooks.working_morning(now=at(2026, 10, 9, 9))
    finally:
        hooks.MORNING.remove(calls.append)

    assert calls == [at(2026, 10, 9, 9)]
