"""Reminders are sent exactly once on the real stack: PostgreSQL row locks, the Redis
broker and a Celery worker process that gets killed in the middle of its work."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from collab.notify.handlers import UNREAD
from collab.notify.models import Notification, Reminder
from collab.notify.reminders import sweep
from collab.notify.tasks import sweep_reminders
from collab.workdays.services import seed_from_library

from .conftest import wait_until

CLAIM_TIMEOUT = 5


@pytest.fixture
def short_claims(settings):
    settings.NOTIFY_CLAIM_TIMEOUT_SECONDS = CLAIM_TIMEOUT
    seed_from_library(years=[timezone.localdate().year])


def _due_reminders(people: int, per_person: int) -> list[Reminder]:
    """`people` persons with `per_person` unread notifications each, and one urgent
    follow-up reminder per notification, all due now."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"person{i}", email=f"person{i}@example.com") for i in range(people)]
    )
    targets = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, event="tests.target", subject=f"Item-{user.pk}-{n}", body=""
            )
            for user in users
            for n in range(per_person)
        ]
    )
    past = timezone.now() - timedelta(minutes=1)
    return Reminder.objects.bulk_create(
        [
            Reminder(
                kind=UNREAD,
                target_id=target.pk,
                stage="follow-up",
                recipient_id=target.recipient_id,
                fire_at=past,
                urgent=True,
            )
            for target in targets
        ]
    )


def _reminder_notifications():
    return Notification.objects.filter(event__startswith="notify.reminder")


def _assert_each_sent_exactly_once(reminders: list[Reminder]) -> None:
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    bodies: dict[int, list[str]] = {}
    for note in _reminder_notifications():
        bodies.setdefault(note.recipient_id, []).append(note.body)
    targets = {t.pk: t.subject for t in Notification.objects.filter(event="tests.target")}
    for reminder in reminders:
        title = targets[reminder.target_id]
        mentions = sum(body.count(f"{title}:") for body in bodies.get(reminder.recipient_id, []))
        assert mentions == 1, f"reminder {reminder.pk} was sent {mentions} times"
    linked = set(Reminder.objects.values_list("notification_id", flat=True).distinct())
    assert linked == set(_reminder_notifications().values_list("pk", flat=True))


def _sweep_until_all_sent(worker, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while Reminder.objects.filter(sent_at__isnull=True).exists():
        assert time.monotonic() < deadline, "reminders left unsent:\n" + worker.log()[-4000:]
        sweep_reminders.delay()
        time.sleep(2)


def test_reminders_worker_killed_mid_sweep_sends_each_once(celery_worker_process, short_claims):
    reminders = _due_reminders(people=150, per_person=2)
    celery_worker_process.extra_env["NOTIFY_CLAIM_TIMEOUT_SECONDS"] = str(CLAIM_TIMEOUT)
    celery_worker_process.start()

    sweep_reminders.delay()
    wait_until(
        lambda: _reminder_notifications().count() >= 10,
        timeout=60,
        message="the worker sent nothing:\n" + celery_worker_process.log()[-4000:],
    )
    celery_worker_process.kill()
    sent_before_kill = _reminder_notifications().count()
    assert sent_before_kill < 150, "the worker finished before it could be killed"

    celery_worker_process.start()
    _sweep_until_all_sent(celery_worker_process, timeout=120)

    assert _reminder_notifications().count() == 150  # one digest per person
    _assert_each_sent_exactly_once(reminders)


def test_reminders_sweep_enqueued_twice_sends_once(celery_worker_process, short_claims):
    reminders = _due_reminders(people=20, per_person=3)
    celery_worker_process.start()

    sweep_reminders.delay()
    sweep_reminders.delay()
    wait_until(
        lambda: not Reminder.objects.filter(sent_at__isnull=True).exists(),
        timeout=60,
        message="reminders left unsent:\n" + celery_worker_process.log()[-4000:],
    )
    sweep_reminders.delay()
    time.sleep(2)

    assert _reminder_notifications().count() == 20
    _assert_each_sent_exactly_once(reminders)


def test_reminders_two_concurrent_sweeps_claim_each_once(celery_worker_process, short_claims):
    reminders = _due_reminders(people=100, per_person=3)
    barrier = threading.Barrier(2)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            # Small batches so that the two sweeps interleave on the row locks.
            claimed.append(sweep(batch=7))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(claimed) == len(reminders)
    celery_worker_process.start()
    wait_until(
        lambda: not Reminder.objects.filter(sent_at__isnull=True).exists(),
        timeout=90,
        message="reminders left unsent:\n" + celery_worker_process.log()[-4000:],
    )
    assert _reminder_notifications().count() <= 2 * 100
    _assert_each_sent_exactly_once(reminders)
