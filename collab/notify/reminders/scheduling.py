"""Starting and stopping deadlines: arm the before / due / escalate / explain reminders of
one deadline (or one reminder on its own), moved into office hours unless urgent, and
cancel what is still unsent when the step is done."""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from collab.workdays import calendar

from ..models import Reminder
from .registry import BEFORE, DUE, ESCALATE, EXPLAIN, HANDLERS

logger = logging.getLogger(__name__)

# DOMAIN §8: a delay of more than 24 h must be explained by the person responsible.
EXPLAIN_AFTER = timedelta(hours=24)


class ReminderError(Exception):
    """A reminder that cannot be scheduled as asked."""


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
