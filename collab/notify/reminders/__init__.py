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

from .registry import (
    BEFORE,
    DUE,
    ESCALATE,
    EXPLAIN,
    HANDLERS,
    ReminderHandler,
    ReminderItem,
    default_text,
    register_handler,
    sending_now,
)
from .scheduling import (
    EXPLAIN_AFTER,
    ReminderError,
    cancel_reminders,
    schedule_deadline,
    schedule_reminder,
)
from .scheduling import _quiet as _quiet
from .sweeping import MAX_REMINDER_ATTEMPTS, SWEEP_BATCH, due_reminders, send, sweep

__all__ = [
    "BEFORE",
    "DUE",
    "ESCALATE",
    "EXPLAIN",
    "EXPLAIN_AFTER",
    "HANDLERS",
    "MAX_REMINDER_ATTEMPTS",
    "SWEEP_BATCH",
    "ReminderError",
    "ReminderHandler",
    "ReminderItem",
    "cancel_reminders",
    "default_text",
    "due_reminders",
    "register_handler",
    "schedule_deadline",
    "schedule_reminder",
    "send",
    "sending_now",
    "sweep",
]
