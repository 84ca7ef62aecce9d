"""What the task services share: the task timeline, the locked row, state changes
that explain a click that came too late, and stored uploads."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from collab.core import workflow
from requests_app.models import State as RequestState

from ..errors import TaskError
from ..models import Task, TaskEvent, events


def log_event(*, request, task=None, verb, by, comment="", data=None, at=None) -> TaskEvent:
    return TaskEvent.record(
        verb, by=by, comment=comment, data=data, at=at, request=request, task=task
    )


deny = TaskError.denied


def format_when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def stale_error(task) -> TaskError:
    """Explain a click that came too late: who changed the task, and when."""
    task = Task.objects.select_related("request").get(pk=task.pk)
    if task.request.state != RequestState.IN_PROGRESS:
        return TaskError(
            gettext(
                "The request is no longer in progress (it is “%(request_state)s”); "
                "its tasks cannot change."
            )
            % {"request_state": task.request.get_state_display()}
        )
    unchanged = gettext("This task has changed in the meantime; it is now “%(state)s”.")
    # Each sentence is spelled out for the translators (makemessages reads literals).
    said = {
        events.STARTED: gettext(
            "Already started by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.RESUMED: gettext(
            "Work was already resumed by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.DELIVERED: gettext(
            "Already delivered by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.ACCEPTED: gettext(
            "Already accepted by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.REJECTED: gettext(
            "Already sent back for changes by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.CANCELLED: gettext("Already cancelled by %(who)s at %(when)s."),
    }
    return workflow.explain_stale(
        TaskEvent.objects.filter(task=task, verb__in=events.STATE_VERBS).exclude(
            verb=events.CREATED
        ),
        state=task.get_state_display(),
        error=TaskError,
        said=said,
        changed=unchanged,
        unchanged=unchanged,
    )


def locked_task(task) -> Task:
    """The current row, locked for the rest of the transaction, with what the
    permission predicates read."""
    return workflow.lock(
        Task,
        task.pk,
        related=("request__requester", "department", "owner"),
        prefetch=("collaborators",),
    )


def fire(task, method_name: str) -> None:
    workflow.fire(task, method_name, stale=stale_error)


def save_task(task) -> None:
    workflow.save(task, stale=stale_error)
