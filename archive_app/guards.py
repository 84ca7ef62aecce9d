"""Archived requests are read-only and cannot be deleted, whatever the entry point.

The services of the other apps already refuse to act on an archived request and the
admin shows it read-only; these guards are the last line, at the model layer, for code
that would bypass both. The one sanctioned deletion (after retention, by an
administrator, recorded) goes through `services.delete_archived`."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import pre_delete, pre_save

from requests_app.models import Request, State

from .errors import ArchiveError

_deletable: ContextVar[frozenset] = ContextVar("archive_deletable", default=frozenset())


@contextmanager
def deletion_allowed(request_id: int):
    token = _deletable.set(_deletable.get() | {request_id})
    try:
        yield
    finally:
        _deletable.reset(token)


def _loaded_state(instance):
    # ConcurrentTransitionMixin remembers the state the row had when it was loaded.
    initial = getattr(instance, "_ConcurrentTransitionMixin__initial_states", None) or {}
    return initial.get("state")


def refuse_archived_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if _loaded_state(instance) == State.ARCHIVED:
        raise ArchiveError("Archived requests are read-only.")


def refuse_archived_delete(sender, instance, **kwargs):
    if instance.state == State.ARCHIVED and instance.pk not in _deletable.get():
        raise ArchiveError("Archived requests cannot be deleted before their retention date.")


def install() -> None:
    pre_save.connect(refuse_archived_save, sender=Request, dispatch_uid="archive_readonly_save")
    pre_delete.connect(
        refuse_archived_delete, sender=Request, dispatch_uid="archive_readonly_delete"
    )
