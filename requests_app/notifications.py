"""What a request's notifications say and where they link; handed over after commit to
the people who may see the request (a confidential one reaches only those named)."""

from django.urls import reverse

from collab.notify.handoff import notify_on_commit

from .selectors import visible_requests


def queue_notification(*, request, recipients, event, template, extra=None) -> None:
    notify_on_commit(
        recipients=recipients,
        event=event,
        template=template,
        context={
            "number": request.number or "",
            "title": request.title,
            "requester": request.requester.name,
            **(extra or {}),
        },
        url=reverse("requests:detail", args=[request.pk]),
        visible=visible_requests,
        pk=request.pk,
    )
