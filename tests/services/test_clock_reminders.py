"""The new clocks (level-1 review due, liaison acknowledgement, reasons for delays) go
through the one reminder engine: on PostgreSQL, with the Redis broker and a real Celery
worker, each is sent exactly once even when sweeps are enqueued twice."""

import time
from datetime import timedelta

from django.utils import timezone

from collab.notify import reminders as engine
from collab.notify.models import LateReason, Notification, Reminder
from collab.notify.tasks import sweep_reminders
from collab.org.demo import seed_organisation
from collab.workdays.services import seed_from_library
from requests_app.reminders import ACKNOWLEDGE
from requests_app.steps import STEP
from tests.requests_app.factories import make_request

from .conftest import wait_until

REQUESTS = 6


def _as_if_time_passed(kinds, stages) -> list[Reminder]:
    """The deadlines' moments have come: their reminders are due now (urgent, so that
    office hours do not hold them back whenever the suite runs)."""
    rows = Reminder.objects.filter(
        kind__in=kinds,
        stage__in=stages,
        recipient__isnull=False,
        sent_at__isnull=True,
        cancelled_at__isnull=True,
    )
    rows.update(fire_at=timezone.now() - timedelta(minutes=1), urgent=True)
    # Only the stages under test are left to send.
    Reminder.objects.exclude(pk__in=rows.values("pk")).delete()
    return list(rows)


def _sweep_twice_and_wait(worker) -> None:
    worker.start()
    sweep_reminders.delay()
    sweep_reminders.delay()
    wait_until(
        lambda: not Reminder.objects.filter(sent_at__isnull=True).exists(),
        timeout=90,
        message="reminders left unsent",
    )
    sweep_reminders.delay()
    time.sleep(2)
    # None was dropped as "no longer applies": every deadline still stood.
    assert not Reminder.objects.filter(cancelled_at__isnull=False).exists()


def test_review_and_acknowledgement_deadlines_are_sent_once(celery_worker_process):
    seed_from_library(years=[timezone.localdate().year])
    users = seed_organisation()
    reviews = [
        make_request(users, stage="head_review", title=f"Review {i}") for i in range(REQUESTS)
    ]
    reached = [
        make_request(users, stage="awaiting_confirmation", to=("TE",), title=f"Reached {i}")
        for i in range(REQUESTS)
    ]
    assert all(r.step_due_at for r in reviews)
    assert all(r.departments.get().acknowledge_due for r in reached)
    due = _as_if_time_passed([STEP, ACKNOWLEDGE], [engine.DUE])
    assert {r.kind for r in due} == {STEP, ACKNOWLEDGE}

    _sweep_twice_and_wait(celery_worker_process)

    titles = {(STEP, r.pk): r.title for r in reviews}
    titles |= {(ACKNOWLEDGE, r.departments.get().pk): r.title for r in reached}
    digests = Notification.objects.filter(event__startswith="notify.reminder")
    for reminder in due:
        title = titles[(reminder.kind, reminder.target_id)]
        bodies = digests.filter(recipient_id=reminder.recipient_id).values_list("body", flat=True)
        mentions = sum(body.count(title) for body in bodies)
        assert mentions == 1, f"{reminder} was sent {mentions} times"


def test_reasons_for_delays_are_asked_once(celery_worker_process):
    seed_from_library(years=[timezone.localdate().year])
    users = seed_organisation()
    for i in range(REQUESTS):
        make_request(users, stage="head_review", title=f"Late review {i}")
    explain = _as_if_time_passed([STEP], [engine.EXPLAIN])
    assert len(explain) == REQUESTS  # the requesting head holds each review

    _sweep_twice_and_wait(celery_worker_process)

    asked = LateReason.objects.filter(kind=STEP, person=users["mt_head"])
    assert asked.count() == REQUESTS
    assert sorted(asked.values_list("target_id", flat=True)) == sorted(r.target_id for r in explain)
