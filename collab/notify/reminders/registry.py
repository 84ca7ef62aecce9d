"""What a reminder of each kind says and does: the `ReminderHandler` base an app
subclasses for its kinds, the registry the engine looks kinds up in, the stages, and
the standard wording with the sweep's clock."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext

from .. import dates
from ..models import LateReason, Reminder

BEFORE, DUE, ESCALATE = "before", "due", "escalate"
# DOMAIN §8: a delay of more than 24 h must be explained by the person responsible.
EXPLAIN = "explain"

# Set while the sweep describes reminders: what they say is true at the sweep's moment.
_sending_at: ContextVar[datetime | None] = ContextVar("reminders_sending_at", default=None)


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
def sending(now: datetime):
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
