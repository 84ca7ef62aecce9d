"""Reminders for tasks, on the notification centre's engine (collab.notify.reminders):

- `tasks.feedback`: the requester owes feedback on a delivery within 1 working day
  (DOMAIN §4); before / at the deadline to the requester, then escalated to the
  requesting department's head. Armed on delivery, stopped on the decision.
- `tasks.progress`: at 16:30 on working days, owners of active tasks without today's
  progress entry (DOMAIN §4: by 17:00)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify import reminders as engine
from collab.notify.hooks import ProgressDue
from requests_app.models import State as RequestState

from .models import AcceptanceRound, ProgressEntry, RoundResult, Task, TaskState

FEEDBACK = "tasks.feedback"
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
    )


def feedback_done(*, round_) -> None:
    engine.cancel_reminders(kind=FEEDBACK, target=round_)


def _title(task) -> str:
    return f"{task.number} {task.name}"


class FeedbackHandler(engine.ReminderHandler):
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
            % {"when": engine.default_text(reminder)},
            url=reverse("tasks:detail", args=[task.pk]),
        )


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
    from collab.notify import hooks

    engine.register_handler(FEEDBACK, FeedbackHandler())
    engine.register_handler(PROGRESS, ProgressHandler())
    if owners_without_entry not in hooks.DAILY_PROGRESS:
        hooks.register_daily_progress(owners_without_entry)
