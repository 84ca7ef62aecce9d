"""The engine: claim what is due in batches (SKIP LOCKED, stale claims taken back), queue
one send per person after commit (the `send_reminders` task, here so that the sweep
queues it without importing `collab.notify.tasks`), and send exactly once — one notification or digest
per person, escalation actions, requests for the reasons of delays."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from kombu.exceptions import KombuError

from collab.workdays import calendar

from .. import dates
from ..models import LateReason, Reminder
from ..services import notify
from .registry import EXPLAIN, HANDLERS, ReminderHandler, ReminderItem, sending

logger = logging.getLogger(__name__)

MAX_REMINDER_ATTEMPTS = 5
SWEEP_BATCH = 500


def _in_office(now: datetime) -> bool:
    try:
        return calendar.is_office_time(now)
    except calendar.CalendarMissing:
        logger.error("No working-day calendar for %s: reminders are not held back", now.year)
        return True


def due_reminders(now: datetime):
    """Open, unclaimed reminders whose time has come (urgent ones only out of hours)."""
    due = Reminder.objects.filter(
        fire_at__lte=now,
        sent_at__isnull=True,
        cancelled_at__isnull=True,
        claimed_at__isnull=True,
        attempts__lt=MAX_REMINDER_ATTEMPTS,
    )
    if not _in_office(now):
        due = due.filter(urgent=True)
    return due


def sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> int:
    """Claim what is due, in batches, and queue one send per person after each commit.
    Returns the number of reminders claimed. Safe to run twice or concurrently."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    # A worker that died between claiming and sending leaves its claim behind.
    Reminder.objects.filter(
        sent_at__isnull=True, cancelled_at__isnull=True, claimed_at__lt=stale
    ).update(claimed_at=None)
    claimed_total = 0
    while True:
        with transaction.atomic():
            rows = list(
                due_reminders(now)
                .select_for_update(skip_locked=True)
                .order_by("fire_at", "pk")
                .values_list("pk", "recipient_id")[:batch]
            )
            if not rows:
                break
            ids = [pk for pk, _ in rows]
            Reminder.objects.filter(pk__in=ids, claimed_at__isnull=True).update(claimed_at=now)
            groups: dict[int | None, list[int]] = defaultdict(list)
            for pk, recipient_id in rows:
                groups[recipient_id].append(pk)
            transaction.on_commit(lambda groups=groups: _queue_sends(list(groups.values())))
        claimed_total += len(rows)
        if len(rows) < batch:
            break
    return claimed_total


def _queue_sends(groups: list[list[int]]) -> None:
    for ids in groups:
        try:
            send_reminders.delay(reminder_ids=ids)
        except (KombuError, OSError):
            # The claims go stale and the next sweeps take them back.
            logger.exception("Could not queue %d reminders", len(ids))


@shared_task(name="collab.notify.tasks.send_reminders", acks_late=True, reject_on_worker_lost=True)
def send_reminders(*, reminder_ids: list[int]) -> int:
    return send(reminder_ids=reminder_ids)


def send(*, reminder_ids, now: datetime | None = None) -> int:
    """Send claimed reminders: per person one notification (a digest when several), and
    escalation actions. Marks them sent in the same transaction, so a repeat of this
    call, a redelivered task or a racing sweep sends nothing twice."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        rows = list(
            # Lock only the reminder rows: the recipient join is nullable.
            Reminder.objects.select_for_update(of=("self",))
            .filter(
                pk__in=list(reminder_ids),
                sent_at__isnull=True,
                cancelled_at__isnull=True,
                claimed_at__isnull=False,
            )
            .select_related("recipient")
            .order_by("pk")
        )
        by_person: dict[int | None, list[Reminder]] = defaultdict(list)
        for reminder in rows:
            by_person[reminder.recipient_id].append(reminder)
        for recipient_id, reminders in by_person.items():
            if recipient_id is None:
                sent += _run_actions(reminders, now=now)
            else:
                sent += _tell(reminders, now=now)
    return sent


def _fail(reminder: Reminder, error: str, *, give_up: bool = False) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(
        claimed_at=None,
        attempts=MAX_REMINDER_ATTEMPTS if give_up else F("attempts") + 1,
        last_error=error[:2000],
    )


def _run_actions(reminders: list[Reminder], *, now: datetime) -> int:
    done = []
    for reminder in reminders:
        handler = HANDLERS.get(reminder.kind)
        if handler is None:
            _fail(reminder, f"no handler for {reminder.kind!r}")
            continue
        try:
            with transaction.atomic():
                handler.escalate(reminder)
        except Exception as error:  # noqa: BLE001 - one app's bug must not stop the others
            logger.exception("Escalation %s failed", reminder)
            _fail(reminder, f"{type(error).__name__}: {error}")
            continue
        done.append(reminder.pk)
    Reminder.objects.filter(pk__in=done).update(sent_at=now)
    return len(done)


def _describe(handler: ReminderHandler, reminders: list[Reminder]) -> list:
    """Items (or None, or the exception) for `reminders`, batched when the handler can;
    when the batch fails, one by one so that one broken target does not hide the rest."""
    try:
        return list(handler.describe_all(reminders))
    except DatabaseError:
        raise
    except Exception:  # noqa: BLE001 - retried one by one below to find the culprit
        logger.info("Batch description of %s failed; describing one by one", reminders[0].kind)
    results = []
    for reminder in reminders:
        try:
            results.append(handler.describe(reminder))
        except DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001 - one app's bug must not stop the others
            logger.exception("Describing %s failed", reminder)
            results.append(error)
    return results


def _ask_reason(handler: ReminderHandler, reminder: Reminder, *, now: datetime):
    """The explain stage: the person who held the deadline is asked (once per deadline)
    why it was missed by more than 24 h; the item links to the reason form."""
    reason = LateReason(
        kind=reminder.kind,
        target_id=reminder.target_id,
        person=reminder.recipient,
        due_at=reminder.due_at,
    )
    try:
        title = handler.late_title(reason)
        ref = handler.ref(reminder) if title is not None else ""
    except DatabaseError:
        raise
    except Exception as error:  # noqa: BLE001 - one app's bug must not stop the others
        logger.exception("Describing the delay of %s failed", reminder)
        return error
    if title is None:
        return None
    reason, _created = LateReason.objects.get_or_create(
        kind=reminder.kind,
        target_id=reminder.target_id,
        due_at=reminder.due_at,
        person=reminder.recipient,
        defaults={"ref": ref[:50], "asked_at": now},
    )
    if reason.given_at is not None:
        return None
    return ReminderItem(
        title=title,
        text=gettext("The deadline of %(due)s was missed by more than 24 hours. Please say why.")
        % {"due": dates.local_datetime(reason.due_at)},
        url=reverse("notify:late_reason", args=[reason.pk]),
    )


def _tell(reminders: list[Reminder], *, now: datetime) -> int:
    # No savepoint per item (two queries each): describing only reads. A database error
    # aborts the batch; its claims go stale and a later sweep retries.
    recipient = reminders[0].recipient
    items, told, dropped = [], [], []
    by_kind: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        by_kind[reminder.kind].append(reminder)
    with (
        translation.override(recipient.preferred_language or settings.LANGUAGE_CODE),
        sending(now),
    ):
        for kind, group in by_kind.items():
            handler = HANDLERS.get(kind)
            if handler is None:
                for reminder in group:
                    _fail(reminder, f"no handler for {kind!r}")
                continue
            asks = [r for r in group if r.stage == EXPLAIN]
            group = [r for r in group if r.stage != EXPLAIN]
            described = list(zip(group, _describe(handler, group) if group else [], strict=True))
            described += [(r, _ask_reason(handler, r, now=now)) for r in asks]
            for reminder, item in described:
                if isinstance(item, Exception):
                    _fail(reminder, f"{type(item).__name__}: {item}")
                elif item is None:
                    dropped.append(reminder.pk)
                else:
                    items.append(item)
                    told.append(reminder.pk)
    Reminder.objects.filter(pk__in=dropped).update(cancelled_at=now, last_error="no longer applies")
    if not items:
        return 0
    notification = notify(
        recipients=[recipient],
        event="notify.reminder" if len(items) == 1 else "notify.reminder.digest",
        template="notify/reminder",
        context={"items": items, "count": len(items), "first": items[0]},
        url=items[0].url if len(items) == 1 else reverse("shell:my_work"),
    )
    Reminder.objects.filter(pk__in=told).update(
        sent_at=now, notification=notification[0] if notification else None
    )
    return len(told)
