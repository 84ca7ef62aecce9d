"""How every app hands a notification over: after its transaction commits, only to
active people, each once, never to the person acting, and only to those who may see the
object the notification is about — a confidential record's title must not reach
anyone else, by page, e-mail or chat."""

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from .services import notify


def recipient_ids(recipients: Iterable, *, exclude=None) -> list[int]:
    """Distinct ids, in order, of users or ids; None and `exclude` left out."""
    skip = getattr(exclude, "pk", exclude)
    ids = []
    for recipient in recipients:
        pk = getattr(recipient, "pk", recipient)
        if pk is not None and pk != skip and pk not in ids:
            ids.append(pk)
    return ids


def notify_on_commit(
    *,
    recipients: Iterable,
    event: str,
    template: str,
    context: dict,
    url: str,
    visible: Callable[..., QuerySet] | None,
    pk: int | None = None,
    exclude=None,
) -> None:
    """Queue `notify` for after the commit. `visible(user)` is the app's selector of
    what a person may see and `pk` the object's id; both are asked when the notification
    leaves, so a grant or a withdrawal in the same transaction counts. `visible=None`
    is for notifications about nothing confidential (a meeting of the company)."""
    ids = recipient_ids(recipients, exclude=exclude)
    if not ids:
        return

    def send():
        users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
        if visible is not None:
            users = [user for user in users if visible(user).filter(pk=pk).exists()]
        notify(recipients=users, event=event, template=template, context=context, url=url)

    transaction.on_commit(send)
