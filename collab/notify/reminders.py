"""Reminders: deadlines other apps start and stop, swept and sent exactly once.

Starting and stopping a deadline
    schedule_deadline(kind="requests.response", target=request, due_at=..., recipients=[...],
                      escalate_to=[head], urgent=False, start=None, before_fraction=0.75,
                      escalate_after=timedelta(0))
    cancel_reminders(kind="requests.response", target=request)
`due_at` usually comes from `collab.workdays.calendar.add_working_days(...)` (working-day
limits) or `now + timedelta(hours=24)` (the calendar-hour limits of DOMAIN §8).
It creates a "before" reminder at `before_fraction` of the time between `start` (now)
and `due_at`, a "due" reminder at the deadline, both for `recipients`, and at
`due_at + escalate_after` an "escalate" reminder for `escalate_to` plus one escalation
action (a row without recipient) that calls the kind's handler exactly once. At
`due_at + 24 h` an "explain" reminder asks each recipient why the deadline was missed
(DOMAIN §8): sending it files a `LateReason` (once per deadline and person, under the
handler's `ref`) and links to the reason form; a step done in time cancels it. Calling it
again with the same deadline changes nothing; with a new deadline it re-arms.

What a reminder says, and what escalation does, is decided by the app that owns the
kind: subclass `ReminderHandler` and call `register_handler("requests.response",
MyHandler())` from its AppConfig.ready(). `describe` runs in the recipient's language
and returns None when the reminder no longer applies (the reminder is then dropped);
`escalate` performs the escalation action (e.g. raise a problem's grade).

Periodic reminders (hooks in `collab.notify.hooks`, schedule in `collab/schedule.py`):
daily progress at 16:30 on working days, and "working-morning" hooks at 09:00 on
working days for things such as the weekly meeting announcement.

Quiet rules: reminders that are not urgent fire only in office hours (their fire time is
moved to the next office time when scheduled, and the sweep leaves them until the
office opens); everything that fires for one person in one sweep arrives as one digest.
"""

import logging
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from collab.workdays import calendar

from . import dates
from .models import LateReason, Reminder
from .services import notify

logger = logging.getLogger(__name__)

MAX_REMINDER_ATTEMPTS = 5
SWEEP_BATCH = 500

BEFORE, DUE, ESCALATE = "before", "due", "escalate"
# DOMAIN §8: a delay of more than 24 h must be explained by the person responsible.
EXPLAIN = "explain"
EXPLAIN_AFTER = timedelta(hours=24)

# Set while `_tell` describes reminders: what they say is true at the sweep's moment.
_sending_at: ContextVar[datetime | None] = ContextVar("reminders_sending_at", default=None)


class ReminderError(Exception):
    """A reminder that cannot be scheduled as asked."""


@dataclass(frozen=True)
class ReminderItem:
    title: str
    text: str
    url: str = ""


class ReminderHandler:
    """What the reminders of one kind say and do. Apps subclass it."""

    def describe(self, reminder: Reminder) -> ReminderItem | None:
        raise NotImplementedError

    def describe_all(self, reminders: list[Reminder]) -> list[ReminderItem | None]:
        """Describe several at once; override to load their targets in one query."""
        return [self.describe(reminder) for reminder in reminders]

    def escalate(self, reminder: Reminder) -> None:
        """The escalation action when the deadline passed; nothing by default."""

    def deadline_moved(self, *, target_id: int, old_due: datetime, new_due: datetime) -> bool:
        """Confirming a year's holidays moved this working-day deadline: store `new_due`
        on the owning record and note it on its timeline. Return False when the deadline
        no longer applies (its reminders then stay as they are). Kinds that do not
        override this keep their deadline."""
        return False

    def ref(self, reminder: Reminder) -> str:
        """The record a reason for this deadline's delay is filed under, e.g.
        "request:42"; the ledgers show the reasons of a record together."""
        return f"{reminder.kind}:{reminder.target_id}"

    def late_title(self, reason: LateReason) -> str | None:
        """What the missed deadline was about, for `reason.person` in the current
        language; None when that person may no longer see it (nobody is asked then).
        Runs after the step may be done, so it must not check the step's state."""
        return gettext("Deadline of %(due)s") % {"due": dates.local_datetime(reason.due_at)}


HANDLERS: dict[str, ReminderHandler] = {}


def register_handler(kind: str, handler: ReminderHandler) -> ReminderHandler:
    if len(kind) > 50:
        raise ValueError("reminder kinds are at most 50 characters")
    HANDLERS[kind] = handler
    return handler


@contextmanager
def _sending(now: datetime):
    token = _sending_at.set(now)
    try:
        yield
    finally:
        _sending_at.reset(token)


def sending_now() -> datetime:
    """The moment the reminders being described are sent (the sweep's clock), for the
    time left they state; now when nothing is being sent."""
    return _sending_at.get() or timezone.now()


def default_text(reminder: Reminder, *, working_days: bool | None = None) -> str:
    """Translated wording for the standard stages, for handlers that need nothing more:
    the deadline in local time and the time left or overdue, in working days when the
    deadline counts working days (`working_days`; by default when it was armed with
    `working_hours`)."""
    if reminder.due_at is None:
        return gettext("Reminder.")
    if working_days is None:
        working_days = reminder.working_hours is not None
    values = {
        "due": dates.local_deadline(reminder.due_at, working_days=working_days),
        "left": dates.time_left(reminder.due_at, sending_now(), working_days=working_days),
    }
    if reminder.stage == BEFORE:
        return gettext("Due on %(due)s (%(left)s).") % values
    if reminder.stage == DUE:
        return gettext("Due at %(due)s (%(left)s).") % values
    if reminder.stage == ESCALATE:
        return gettext("Due at %(due)s (%(left)s); escalated to you.") % values
    return gettext("Reminder.")


# --- scheduling -----------------------------------------------------------------------------


def _target_id(target) -> int:
    return int(getattr(target, "pk", target))


def _quiet(moment: datetime, *, urgent: bool) -> datetime:
    if urgent:
        return moment
    try:
        return calendar.next_office_time(moment)
    except calendar.CalendarMissing:
        # Better a reminder outside office hours than no reminder at all.
        logger.warning("No calendar for %s; reminder kept at %s", moment.year, moment)
        return moment


def schedule_deadline(
    *,
    kind: str,
    target,
    due_at: datetime,
    recipients,
    escalate_to=(),
    urgent: bool = False,
    start: datetime | None = None,
    before_fraction: float = 0.75,
    escalate_after: timedelta = timedelta(0),
    working_hours: float | None = None,
) -> list[Reminder]:
    """Arm the before / due / escalate reminders of one deadline (see the module notes).

    For a working-day deadline pass `working_hours`, the office time it allows after
    `start`: confirming a year's holidays then recomputes it (`collab.notify.recompute`)."""
    if kind not in HANDLERS:
        raise ReminderError(f"no reminder handler registered for {kind!r}")
    if not 0 < before_fraction < 1:
        raise ReminderError("before_fraction must be between 0 and 1")
    if timezone.is_naive(due_at):
        raise ReminderError("due_at must be an aware datetime")
    start = start or timezone.now()
    basis = {"basis_start": start, "working_hours": working_hours} if working_hours else {}
    target_id = _target_id(target)
    planned: list[tuple[str, object, datetime]] = []
    people = [u for u in dict.fromkeys(recipients) if u is not None]
    bosses = [u for u in dict.fromkeys(escalate_to) if u is not None]
    before_at = _quiet(start + (due_at - start) * before_fraction, urgent=urgent)
    if start < before_at < due_at:
        planned += [(BEFORE, user, before_at) for user in people]
    due_fire = _quiet(due_at, urgent=urgent)
    planned += [(DUE, user, due_fire) for user in people]
    escalate_at = _quiet(due_at + escalate_after, urgent=urgent)
    planned += [(ESCALATE, user, escalate_at) for user in bosses]
    planned.append((ESCALATE, None, escalate_at))  # the handler's action, once
    explain_at = _quiet(due_at + EXPLAIN_AFTER, urgent=urgent)
    planned += [(EXPLAIN, user, explain_at) for user in people]
    with transaction.atomic():
        return [
            _arm(
                kind=kind,
                target_id=target_id,
                stage=stage,
                recipient=user,
                fire_at=fire_at,
                due_at=due_at,
                urgent=urgent,
                **basis,
            )
            for stage, user, fire_at in planned
        ]


def schedule_reminder(
    *, kind: str, target, stage: str, recipient, fire_at: datetime, urgent: bool = False
) -> Reminder:
    """One reminder outside the before/due/escalate pattern (e.g. a meeting tomorrow).
    The same (kind, target, stage, recipient) is only ever sent once."""
    if kind not in HANDLERS:
        raise ReminderError(f"no reminder handler registered for {kind!r}")
    with transaction.atomic():
        return _arm(
            kind=kind,
            target_id=_target_id(target),
            stage=stage,
            recipient=recipient,
            fire_at=_quiet(fire_at, urgent=urgent),
            due_at=None,
            urgent=urgent,
        )


def _arm(
    *,
    kind,
    target_id,
    stage,
    recipient,
    fire_at,
    due_at,
    urgent,
    basis_start=None,
    working_hours=None,
) -> Reminder:
    key = {"kind": kind, "target_id": target_id, "stage": stage, "recipient": recipient}
    basis = {"basis_start": basis_start, "working_hours": working_hours}
    reminder = Reminder.objects.select_for_update().filter(**key).first()
    if reminder is None:
        try:
            with transaction.atomic():
                return Reminder.objects.create(
                    **key, fire_at=fire_at, due_at=due_at, urgent=urgent, **basis
                )
        except IntegrityError:
            # Armed concurrently by someone else: theirs stands, ours re-arms below.
            reminder = Reminder.objects.select_for_update().get(**key)
    unchanged = reminder.due_at == due_at and reminder.cancelled_at is None
    if unchanged and (reminder.sent_at or reminder.fire_at == fire_at):
        return reminder
    reminder.fire_at, reminder.due_at, reminder.urgent = fire_at, due_at, urgent
    reminder.basis_start, reminder.working_hours = basis_start, working_hours
    reminder.claimed_at = reminder.sent_at = reminder.cancelled_at = None
    reminder.attempts, reminder.last_error, reminder.notification = 0, "", None
    reminder.save()
    return reminder


def cancel_reminders(*, kind: str, target, now: datetime | None = None) -> int:
    """The step is done: nothing more is sent about it. Sent reminders stay as a record,
    and so does the request for an explanation of a delay already over 24 h: being
    done late does not undo the delay (the sweep may have held it for office hours)."""
    now = now or timezone.now()
    return (
        Reminder.objects.filter(
            kind=kind,
            target_id=_target_id(target),
            sent_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .exclude(stage=EXPLAIN, due_at__lte=now - EXPLAIN_AFTER)
        .update(cancelled_at=now)
    )


# --- sweeping and sending ------------------------------------------------------------------


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
    from kombu.exceptions import KombuError

    from .tasks import send_reminders

    for ids in groups:
        try:
            send_reminders.delay(reminder_ids=ids)
        except (KombuError, OSError):
            # The claims go stale and the next sweeps take them back.
            logger.exception("Could not queue %d reminders", len(ids))


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
        _sending(now),
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
        url=items[0].url if len(items) == 1 else reverse("core:my_work"),
    )
    Reminder.objects.filter(pk__in=told).update(
        sent_at=now, notification=notification[0] if notification else None
    )
    return len(told)
