"""Periodic reminder sources. The task and meeting apps plug in here; the times live in
`collab/schedule.py` (the one beat schedule).

Daily progress (DOMAIN §4: one progress entry per working day before 17:00)
    At 16:30 on working days every registered source is asked who still owes today's
    entry; each answer becomes a reminder with stage ``daily-progress-<date>`` (so a
    person hears once per task and day, however often the job runs)::

        from collab.notify.hooks import ProgressDue, register_daily_progress

        @register_daily_progress
        def owners_without_entry(day):      # day: datetime.date, a working day
            for task in Task.objects.active().without_entry_on(day).select_related("owner"):
                yield ProgressDue(kind="tasks.progress", target_id=task.pk, recipient=task.owner)

    The kind needs a `ReminderHandler` (see `collab.notify.reminders`) for the wording.

Working-morning hooks
    At 09:00 on working days every function registered with `register_morning` is
    called with the current time: announce this week's collaboration meeting on the
    day before it, remind the secretary of minutes due today, and the like. A hook
    should create reminders with `schedule_reminder(...)` (sent once per stage key) or
    call `notify(...)`; it must be safe to run twice on the same day.

Deadlines of single objects (request responses, problem answers, minutes due within
one working day) are not hooks: the owning app calls `schedule_deadline(...)` when the
deadline starts and `cancel_reminders(...)` when the step is done.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from collab.workdays import calendar

from .models import Reminder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProgressDue:
    kind: str
    target_id: int
    recipient: object


DAILY_PROGRESS: list[Callable[[date], Iterable[ProgressDue]]] = []
MORNING: list[Callable[[datetime], None]] = []


def register_daily_progress(source):
    DAILY_PROGRESS.append(source)
    return source


def register_morning(hook):
    MORNING.append(hook)
    return hook


def _working_day(now: datetime) -> bool:
    try:
        return calendar.is_working_day(timezone.localtime(now).date())
    except calendar.CalendarMissing:
        logger.error("No working-day calendar for %s: periodic reminders skipped", now.year)
        return False


def daily_progress(*, now: datetime | None = None) -> int:
    """Arm today's progress reminders; the sweep sends them. Returns how many are new."""
    now = now or timezone.now()
    if not _working_day(now):
        return 0
    day = timezone.localtime(now).date()
    stage = f"daily-progress-{day:%Y-%m-%d}"
    rows = [
        Reminder(
            kind=due.kind,
            target_id=due.target_id,
            stage=stage,
            recipient=due.recipient,
            fire_at=now,
            due_at=None,
        )
        for source in DAILY_PROGRESS
        for due in source(day)
        if due.recipient is not None
    ]
    with transaction.atomic():
        before = Reminder.objects.filter(stage=stage).count()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        return Reminder.objects.filter(stage=stage).count() - before


def working_morning(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    if not _working_day(now):
        return 0
    for hook in MORNING:
        hook(now)
    return len(MORNING)
