"""Reminder sweep: 100,000 open reminders of which 1,000 are due. The sweep claims the
due ones in batches and sends one digest per person (Celery runs inline here, so the
send is part of the measured time). Floor: a bare query selecting the same due rows."""

import statistics
import time
from datetime import timedelta

from django.core import mail
from django.db import transaction
from django.utils import timezone

from bench.harness import count_queries, median_time
from collab.notify.handlers import UNREAD
from collab.notify.models import Notification, Reminder
from collab.notify.reminders import sweep
from collab.org.demo import seed_organisation

OPEN = 100_000
DUE = 1_000


def _build(users) -> list[int]:
    people = [u for name, u in sorted(users.items()) if name.endswith(("_staff", "_liaison"))]
    targets = Notification.objects.bulk_create(
        [
            Notification(
                recipient=people[i % len(people)],
                event="bench.target",
                subject=f"Item {i}",
                body="",
            )
            for i in range(DUE)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    due = [
        Reminder(
            kind=UNREAD,
            target_id=t.pk,
            stage="follow-up",
            recipient_id=t.recipient_id,
            fire_at=now - timedelta(minutes=5),
            urgent=True,
        )
        for t in targets
    ]
    later = [
        Reminder(
            kind=UNREAD,
            target_id=10_000_000 + i,
            stage="follow-up",
            recipient=people[i % len(people)],
            fire_at=now + timedelta(days=1 + i % 30),
        )
        for i in range(OPEN - DUE)
    ]
    Reminder.objects.bulk_create(due + later, batch_size=2000)
    return [r.pk for r in Reminder.objects.filter(fire_at__lte=now).order_by("pk")]


def _reset(due_ids) -> None:
    Notification.objects.filter(event__startswith="notify.reminder").delete()
    Reminder.objects.filter(pk__in=due_ids).update(sent_at=None, claimed_at=None, notification=None)
    if hasattr(mail, "outbox"):
        mail.outbox.clear()


def _timed(fn, reset, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        reset()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


class _Rollback(Exception):
    pass


def _claim_only() -> None:
    # Inside a rolled-back transaction the queued sends never run: claiming alone.
    try:
        with transaction.atomic():
            assert sweep() == DUE
            raise _Rollback
    except _Rollback:
        pass


def run(ctx) -> None:
    due_ids = _build(seed_organisation())
    now = timezone.now()

    def bare():
        return list(
            Reminder.objects.filter(
                fire_at__lte=now,
                sent_at__isnull=True,
                cancelled_at__isnull=True,
                claimed_at__isnull=True,
            ).values_list("pk", "recipient_id")
        )

    assert len(bare()) == DUE
    floor_t = median_time(bare, repeat=ctx.repeat)

    def full():
        assert sweep() == DUE

    reset = lambda: _reset(due_ids)  # noqa: E731
    full_t = _timed(full, reset, ctx.repeat)
    claim_t = _timed(_claim_only, reset, ctx.repeat)
    reset()
    full_queries = count_queries(full)
    sent = Notification.objects.filter(event__startswith="notify.reminder").count()
    reset()
    claim_queries = count_queries(_claim_only)
    reset()

    for name, t in (
        ("reminder sweep: claim + send 1k of 100k", full_t),
        ("reminder sweep: claim 1k of 100k", claim_t),
    ):
        ctx.report(
            name,
            f"{t / floor_t:6.2f}× bare due-rows query  (ours {t * 1000:.1f} ms, floor {floor_t * 1000:.2f} ms)",
        )
    ctx.report(
        "reminder sweep: queries per claimed item",
        f"claim {claim_queries / DUE:.3f}, claim + send {full_queries / DUE:.3f} "
        f"({full_queries} queries, {sent} digests for {DUE} items)",
    )
