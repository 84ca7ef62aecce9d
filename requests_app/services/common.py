"""What the request services share: the request timeline, the refusal, state changes
that explain a click that came too late, and stored uploads."""

from django.utils import timezone
from django.utils.translation import gettext

from collab.core import workflow
from collab.core.files import check_uploads

from ..errors import RequestError
from ..models import Attachment, Request, RequestEvent, events


def log_event(request, verb, *, by, comment="", data=None, at=None) -> RequestEvent:
    return RequestEvent.record(verb, by=by, comment=comment, data=data, at=at, request=request)


deny = RequestError.denied


APPROVED_VERBS = {events.HEAD_APPROVED, events.LEADER_APPROVED}
# Events that do not change what a person can do next.
QUIET_VERBS = {events.ATTACHMENT_ADDED, events.EDITED, events.ACCESS_GRANTED, events.DEADLINE_MOVED}


def stale_error(request) -> RequestError:
    """Explain a click that came too late: who changed the request, and when. Reads a
    fresh copy rather than refresh_from_db(): django-fsm lifts the field's protection
    class-wide while refreshing, which races with other threads."""
    request = Request.objects.get(pk=request.pk)
    approved = gettext("Already approved by %(who)s at %(when)s; the request is now “%(state)s”.")
    return workflow.explain_stale(
        RequestEvent.objects.filter(request=request).exclude(verb__in=[*QUIET_VERBS]),
        state=request.get_state_display(),
        error=RequestError,
        said={verb: approved for verb in APPROVED_VERBS},
        changed=gettext(
            "This request has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        ),
        unchanged=gettext("This request has changed in the meantime; it is now “%(state)s”."),
    )


def fire(request, method_name: str, **kwargs):
    """Run one transition and save it; a stale state or a concurrent save becomes a
    RequestError saying who got there first."""
    workflow.fire(
        request,
        method_name,
        stale=stale_error,
        then={"state_changed_at": timezone.now()},
        **kwargs,
    )


def store_attachments(request, files, by) -> None:
    check_uploads(files, field="attachments", error=RequestError)
    for upload in files:
        attachment = Attachment.store(upload, request=request, uploaded_by=by)
        log_event(request, events.ATTACHMENT_ADDED, by=by, data={"name": attachment.original_name})
