"""What the request services share: the request timeline, the refusal, state changes
that explain a click that came too late, and stored uploads."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from collab.core import workflow
from collab.core.files import check_uploads

from ..errors import RequestError
from ..models import Attachment, Request, RequestEvent, events


def log_event(request, verb, *, by, comment="", data=None, at=None) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        verb=verb,
        actor=by,
        comment=comment or "",
        data=data or {},
        at=at or timezone.now(),
    )


def deny() -> RequestError:
    return RequestError(gettext("You are not allowed to do this."))


APPROVED_VERBS = {events.HEAD_APPROVED, events.LEADER_APPROVED}
# Events that do not change what a person can do next.
QUIET_VERBS = {events.ATTACHMENT_ADDED, events.EDITED, events.ACCESS_GRANTED, events.DEADLINE_MOVED}


def stale_error(request) -> RequestError:
    """Explain a click that came too late: who changed the request, and when.

    Names the last person who acted: the system's own follow-ups (the request reaching
    the departments once the leader approved, a deadline moved) are consequences, not
    the change the person lost to. Reads a fresh copy rather than refresh_from_db():
    django-fsm lifts the field's protection class-wide while refreshing, which races
    with other threads."""
    request = Request.objects.get(pk=request.pk)
    history = (
        RequestEvent.objects.filter(request=request)
        .exclude(verb__in=[*QUIET_VERBS])
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    last = history.filter(actor__isnull=False).first() or history.first()
    state = request.get_state_display()
    if last is None:
        return RequestError(
            gettext("This request has changed in the meantime; it is now “%(state)s”.")
            % {"state": state}
        )
    params = {
        "who": last.actor.name if last.actor else gettext("the system"),
        "when": date_format(timezone.localtime(last.at), "Y-m-d H:i"),
        "what": last.label,
        "state": state,
    }
    if last.verb in APPROVED_VERBS:
        return RequestError(
            gettext("Already approved by %(who)s at %(when)s; the request is now “%(state)s”.")
            % params
        )
    if last.actor is None:
        return RequestError(
            gettext(
                "This request has changed in the meantime (%(what)s, %(when)s); it is now “%(state)s”."
            )
            % params
        )
    return RequestError(
        gettext(
            "This request has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        )
        % params
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
