"""What the meeting services share (DOMAIN §6): the meeting's address and minutes
deadline, the locked row, state changes that explain a click that came too late, and
the notices to the people concerned."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext

from collab.core import workflow
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
    """Explain a click that came too late: who changed the meeting, and when."""
    fresh = Meeting.objects.get(pk=meeting.pk)
    quiet = [events.MEETING_AGENDA_ADDED, events.MEETING_MINUTES_SAVED, events.DEADLINE_MOVED]
    return workflow.explain_stale(
        MeetingEvent.objects.filter(meeting_id=meeting.pk).exclude(verb__in=quiet),
        state=fresh.get_state_display(),
        error=IssueError,
        changed=gettext(
            "This meeting has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        ),
        unchanged=gettext("This meeting has changed in the meantime; it is now “%(state)s”."),
    )


def lock(meeting) -> Meeting:
    return workflow.lock(Meeting, meeting.pk)


def check(allowed: bool, role: bool, meeting) -> None:
    if not allowed:
        raise stale_error(meeting) if role else deny()


def fire_and_save(meeting, method_name: str) -> None:
    workflow.fire(meeting, method_name, stale=stale_error)


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
