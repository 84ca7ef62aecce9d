"""Hand-off to the notification centre, always after the transaction commits."""

from django.db import transaction
from django.urls import reverse


def _ids(recipients) -> list[int]:
    ids = []
    for r in recipients:
        pk = getattr(r, "pk", r)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def queue_notification(
    *, request, task=None, recipients, event, template, extra=None, exclude=None
) -> None:
    """Tell `recipients` (users or ids; `exclude` is the person acting) after commit.
    Links to the task, or to the request's task panel when there is no one task."""
    ids = [pk for pk in _ids(recipients) if pk != getattr(exclude, "pk", exclude)]
    if not ids:
        return
    context = {
        "number": task.number if task else "",
        "name": task.name if task else "",
        "request_number": request.number or "",
        "request_title": request.title,
        **(extra or {}),
    }
    if task is not None:
        url = reverse("tasks:detail", args=[task.pk])
    else:
        url = reverse("requests:detail", args=[request.pk]) + "#tasks"

    def send():
        from django.contrib.auth import get_user_model

        from collab.notify.services import notify

        notify(
            recipients=list(get_user_model().objects.filter(pk__in=ids, is_active=True)),
            event=event,
            template=template,
            context=context,
            url=url,
        )

    transaction.on_commit(send)
