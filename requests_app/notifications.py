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


def queue_notification(*, request, recipients, event, template, extra=None) -> None:
    ids = _ids(recipients)
    if not ids:
        return
    context = {
        "number": request.number or "",
        "title": request.title,
        "requester": request.requester.name,
        **(extra or {}),
    }
    url = reverse("requests:detail", args=[request.pk])
    request_pk = request.pk

    def send():
        from django.contrib.auth import get_user_model

        from collab.notify.services import notify

        from .selectors import visible_requests

        # A confidential request reaches only the people named on it: a department's
        # liaison or head who is not named is not told either.
        users = get_user_model().objects.filter(pk__in=ids, is_active=True)
        notify(
            recipients=[u for u in users if visible_requests(u).filter(pk=request_pk).exists()],
            event=event,
            template=template,
            context=context,
            url=url,
        )

    transaction.on_commit(send)
