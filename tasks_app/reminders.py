"""Reminders for tasks, on the notification centre's engine (collab.notify.reminders):

- `tasks.feedback`: the requester owes feedback on a delivery within 1 working day
  (DOMAIN §4); before / at the deadline to the requester, then escalated to the
  requesting department's head. Armed on delivery, stopped on the decision.
- `tasks.due`: the task's current deadline (`due_date`, at the close of office that
  day); before / at the deadline to the owner, then escalated to the department's
  head; urgent for high priority. Armed when the task is created, re-armed when the
  head changes the deadline, owner or priority and when a rejection sets a new
  deadline; stopped by delivery, acceptance or cancellation.
- `tasks.progress`: at 16:30 on working days, owners of active tasks without today's
  progress entry (DOMAIN §4: by 17:00).

A feedback or task deadline missed by more than 24 h is explained by its holder (the
engine's "explain" stage), filed under the task's request ("request:<id>") and shown in
the progress ledger."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify import dates, hooks
from collab.notify import reminders as engine
from collab.notify.hooks import ProgressDue
from collab.workdays import calendar
from requests_app.models import Priority
from requests_app.models import State as RequestState

from .models import (
    ACTIVE,
    AcceptanceRound,
    ProgressEntry,
    RoundResult,
    Task,
    TaskEvent,
    TaskState,
    events,
)
from .selectors import visible_tasks

FEEDBACK = "tasks.feedback"
# The requester gives feedback within 1 working day of a delivery (DOMAIN §4).
FEEDBACK_WORKING_DAYS = 1
DUE = "tasks.due"
PROGRESS = "tasks.progress"
WORKING = [TaskState.IN_PROGRESS, TaskState.REWORK]


def feedback_due(*, round_) -> None:
    request = round_.task.request
    engine.schedule_deadline(
        kind=FEEDBACK,
        target=round_,
        due_at=round_.feedback_due,
        recipients=[request.requester],
        escalate_to=[request.requesting_department.head],
        start=round_.delivered_at,
        working_hours=calendar.working_hours_for(FEEDBACK_WORKING_DAYS),
    )


def feedback_done(*, round_) -> None:
    engine.cancel_reminders(kind=FEEDBACK, target=round_)


def _task_due_at(task):
    return calendar.end_of_office_day(task.due_date)


def task_due(*, task, now=None) -> None:
    """(Re-)arm the reminders of the task's current deadline. Cancelling first drops
    the ones a previous owner would still get; unsent ones of the same deadline are
    simply armed again, sent ones stay sent."""
    engine.cancel_reminders(kind=DUE, target=task, now=now)
    engine.schedule_deadline(
        kind=DUE,
        target=task,
        due_at=_task_due_at(task),
        recipients=[task.owner],
        escalate_to=[task.department.head],
        # High priority: the owner hears about it even outside office hours.
        urgent=task.priority == Priority.HIGH,
        start=now,
    )


def task_done(*, task, now=None) -> None:
    engine.cancel_reminders(kind=DUE, target=task, now=now)


def _title(task) -> str:
    return f"{task.number} {task.name}"


def _late_title(task, person) -> str | None:
    """What a missed deadline on `task` was about, or None when `person` may no longer
    see the task (nobody is asked then). Whatever the task's state: a delay is
    explained after the step may be done."""
    if task is None or person is None or not person.is_active:
        return None
    if not visible_tasks(person).filter(pk=task.pk).exists():
        return None
    return _title(task)


def _request_ref(task) -> str | None:
    # Reasons show under the task's request in the progress ledger.
    return f"request:{task.request_id}" if task is not None else None


class FeedbackHandler(engine.ReminderHandler):
    def _task(self, round_id):
        round_ = AcceptanceRound.objects.select_related("task").filter(pk=round_id).first()
        return round_.task if round_ is not None else None

    def ref(self, reminder):
        return _request_ref(self._task(reminder.target_id)) or super().ref(reminder)

    def late_title(self, reason):
        return _late_title(self._task(reason.target_id), reason.person)

    def deadline_moved(self, *, target_id, old_due, new_due):
        round_ = (
            AcceptanceRound.objects.select_for_update()
            .select_related("task__request")
            .filter(pk=target_id, result=RoundResult.PENDING, feedback_due=old_due)
            .first()
        )
        if round_ is None:
            return False
        round_.feedback_due = new_due
        round_.save(update_fields=["feedback_due"])
        TaskEvent.objects.create(
            request=round_.task.request,
            task=round_.task,
            verb=events.DEADLINE_MOVED,
            actor=None,
            data={"old": old_due.isoformat(), "new": new_due.isoformat()},
        )
        return True

    def describe(self, reminder):
        round_ = (
            AcceptanceRound.objects.select_related("task")
            .filter(pk=reminder.target_id, result=RoundResult.PENDING)
            .first()
        )
        if round_ is None:
            return None
        task = round_.task
        return engine.ReminderItem(
            title=_title(task),
            text=gettext("Accept the delivery or ask for changes. %(when)s")
            % {"when": engine.default_text(reminder, working_days=True)},
            url=reverse("tasks:detail", args=[task.pk]),
        )


class DueHandler(engine.ReminderHandler):
    def describe(self, reminder):
        return self.describe_all([reminder])[0]

    def describe_all(self, reminders):
        tasks = Task.objects.filter(
            pk__in={r.target_id for r in reminders}, state__in=ACTIVE
        ).select_related("department")
        found = {task.pk: task for task in tasks}
        return [self._item(reminder, found.get(reminder.target_id)) for reminder in reminders]

    def _item(self, reminder, task):
        if task is None or reminder.recipient_id is None:
            return None
        if reminder.due_at != _task_due_at(task):
            return None  # a deadline that no longer stands
        if reminder.stage == engine.ESCALATE:
            if reminder.recipient_id != task.department.head_id:
                return None
            text = gettext("Task %(number)s was due %(when)s and is not delivered.")
        else:
            if reminder.recipient_id != task.owner_id:
                return None
            text = gettext("Task %(number)s is due %(when)s")
        when = dates.deadline_text(reminder.due_at, engine.sending_now(), working_days=True)
        return engine.ReminderItem(
            title=_title(task),
            text=text % {"number": task.number, "when": when},
            url=reverse("tasks:detail", args=[task.pk]),
        )

    def escalate(self, reminder):
        """Nothing changes state when a task is late: the head is told by the
        escalation reminder, and the lateness shows on the task."""

    def ref(self, reminder):
        task = Task.objects.filter(pk=reminder.target_id).first()
        return _request_ref(task) or super().ref(reminder)

    def late_title(self, reason):
        return _late_title(Task.objects.filter(pk=reason.target_id).first(), reason.person)


class ProgressHandler(engine.ReminderHandler):
    def describe(self, reminder):
        task = Task.objects.filter(pk=reminder.target_id, state__in=WORKING).first()
        if task is None:
            return None
        today = timezone.localdate()
        if ProgressEntry.objects.filter(task=task, author=task.owner_id, date=today).exists():
            return None
        return engine.ReminderItem(
            title=_title(task),
            text=gettext("Post today's progress before 17:00."),
            url=reverse("tasks:detail", args=[task.pk]),
        )


def owners_without_entry(day):
    """The daily-progress source: one reminder per active task whose owner has not
    posted on `day`."""
    posted = ProgressEntry.objects.filter(task=OuterRef("pk"), author=OuterRef("owner"), date=day)
    tasks = (
        Task.objects.filter(state__in=WORKING, request__state=RequestState.IN_PROGRESS)
        .exclude(Exists(posted))
        .select_related("owner")
        .only("pk", "owner")
    )
    for task in tasks.iterator(chunk_size=500):
        yield ProgressDue(kind=PROGRESS, target_id=task.pk, recipient=task.owner)


def register() -> None:
    engine.register_handler(FEEDBACK, FeedbackHandler())
    engine.register_handler(DUE, DueHandler())
    engine.register_handler(PROGRESS, ProgressHandler())
    if owners_without_entry not in hooks.DAILY_PROGRESS:
        hooks.register_daily_progress(owners_without_entry)
