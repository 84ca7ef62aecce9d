"""What the meeting services share (DOMAIN §6): the meeting's address and minutes
deadline, the locked row, state changes that explain a click that came too late, and
the notices to the people concerned."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collab.notify.handoff import notify_on_commit

from ..errors import IssueError
from ..models import Meeting, MeetingEvent, MeetingKind, events
from ..models.choices import MINUTES_HOURS_IMPORTANT, MINUTES_WORKING_DAYS, URGENT_MINUTES_KINDS
from ..selectors import visible_meetings
from .common import add_working_days, deny


def meeting_url(meeting) -> str:
    return reverse("issues:meeting", args=[meeting.pk])


def minutes_due_for(kind, ends_at) -> datetime.datetime:
    """1 working day after the meeting; 24 hours for important matters (DOMAIN §6)."""
    if kind in URGENT_MINUTES_KINDS:
        return ends_at + datetime.timedelta(hours=MINUTES_HOURS_IMPORTANT)
    return add_working_days(ends_at, MINUTES_WORKING_DAYS)


def stale_error(meeting) -> IssueError:
    fresh = Meeting.objects.get(pk=meeting.pk)
    last = (
        MeetingEvent.objects.filter(meeting_id=meeting.pk)
        .exclude(
            verb__in=[
                events.MEETING_AGENDA_ADDED,
                events.MEETING_MINUTES_SAVED,
                events.DEADLINE_MOVED,
            ]
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    params = {"state": fresh.get_state_display()}
    if last is None:
        return IssueError(
            gettext("This meeting has changed in the meantime; it is now “%(state)s”.") % params
        )
    params.update(
        who=last.actor.name if last.actor else gettext("the system"),
        what=last.label,
        when=date_format(timezone.localtime(last.at), "Y-m-d H:i"),
    )
    return IssueError(
        gettext(
            "This meeting has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        )
        % params
    )


def lock(meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


def check(allowed: bool, role: bool, meeting) -> None:
    if not allowed:
        raise stale_error(meeting) if role else deny()


def fire_and_save(meeting, method_name: str) -> None:
    try:
        getattr(meeting, method_name)()
        meeting.save()
    except (TransitionNotAllowed, ConcurrentTransition):
        raise stale_error(meeting) from None


def tell(meeting, recipients, *, event, template, **extra) -> None:
    notify_on_commit(
        recipients=recipients,
        event=event,
        template=f"issues_app/notify/{template}",
        context={
            "title": meeting.title,
            "kind": MeetingKind(meeting.kind).label,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            **extra,
        },
        url=meeting_url(meeting),
        visible=visible_meetings,
        pk=meeting.pk,
    )
