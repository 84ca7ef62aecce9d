"""What a task's notifications say and where they link; handed over after commit to the
people who may see the task (or, for news about the request's tasks, the request)."""

from django.urls import reverse

from collab.notify.handoff import notify_on_commit
from requests_app.selectors import visible_requests

from .selectors import visible_tasks


def queue_notification(
    *, request, task=None, recipients, event, template, extra=None, exclude=None
) -> None:
    """Tell `recipients` (users or ids; `exclude` is the person acting) after commit.
    Links to the task, or to the request's task panel when there is no one task."""
    if task is not None:
        url, visible, pk = reverse("tasks:detail", args=[task.pk]), visible_tasks, task.pk
    else:
        url = reverse("requests:detail", args=[request.pk]) + "#tasks"
        visible, pk = visible_requests, request.pk
    notify_on_commit(
        recipients=recipients,
        exclude=exclude,
        event=event,
        template=template,
        context={
            "number": task.number if task else "",
            "name": task.name if task else "",
            "request_number": request.number or "",
            "request_title": request.title,
            **(extra or {}),
        },
        url=url,
        visible=visible,
        pk=pk,
    )
