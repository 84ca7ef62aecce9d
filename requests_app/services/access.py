"""Attachments added later and access to a confidential request."""

from django.db import transaction
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm

from .. import permissions
from ..errors import RequestError
from ..models import events
from .common import deny, log_event, store_attachments


def add_attachments(*, request, by, files) -> None:
    if not permissions.can_add_attachment(by, request):
        raise deny()
    if not files:
        raise RequestError(gettext("Choose a file."), field="attachments")
    with transaction.atomic():
        store_attachments(request, files, by)


def grant_access(*, request, by, user) -> None:
    """Let one more person see a confidential request (guardian per-object grant)."""
    if not permissions.can_grant_access(by, request):
        raise deny()
    with transaction.atomic():
        assign_perm("requests_app.view_request", user, request)
        log_event(request, events.ACCESS_GRANTED, by=by, data={"user": user.pk, "name": user.name})
