"""Scheduling meetings: one-off and weekly (a series plans its next occurrences), their
reminders, and cancelling a meeting (DOMAIN §6)."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify.reminders import cancel_reminders, schedule_deadline, schedule_reminder
from collab.workdays import calendar
from requests_app.selectors import visible_requests

from .. import permissions
from ..errors import IssueError
from ..models import AgendaItem, Meeting, MeetingAttendee, MeetingKind, MeetingSeries, events
from ..models.choices import MINUTES_WORKING_DAYS, URGENT_MINUTES_KINDS, WEEKLY_MAX_MINUTES
from ..reminder_kinds import ANNOUNCE_KIND, MINUTES_KIND
from ..selectors import proposed_agenda
from .agenda import agenda_problem
from .common import deny, log_meeting, secretaries
from .meetings import check, fire_and_save, lock, minutes_due_for, tell

logger = logging.getLogger(__name__)


def _validate_schedule(*, kind, starts_at, ends_at, request, milestone_stage, by) -> None:
    if ends_at <= starts_at:
        raise IssueError(gettext("The meeting must end after it starts."), field="duration")
    if kind == MeetingKind.WEEKLY and ends_at - starts_at > datetime.timedelta(
        minutes=WEEKLY_MAX_MINUTES
    ):
        raise IssueError(
            gettext("The weekly meeting lasts at most %(minutes)s minutes.")
            % {"minutes": WEEKLY_MAX_MINUTES},
            field="duration",
        )
    if kind == MeetingKind.MILESTONE and (request is None or not milestone_stage):
        raise IssueError(
            gettext("A milestone meeting names its request and milestone."), field="request"
        )
    if request is not None and not visible_requests(by).filter(pk=request.pk).exists():
        raise IssueError(gettext("Choose a request you can see."), field="request")


def schedule_meeting(
    *,
    by,
    title,
    kind,
    starts_at,
    duration_minutes,
    place,
    chair,
    attendees,
    request=None,
    milestone_stage="",
    problems=(),
    requests=(),
    repeat_weekly=False,
    now=None,
) -> Meeting:
    """Schedule a meeting. A weekly meeting may repeat: the series then plans each next
    occurrence itself. The weekly meeting's agenda proposes the open important and major
    problems and the late requests."""
    now = now or timezone.now()
    if not permissions.can_manage_meetings(by):
        raise deny()
    ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    _validate_schedule(
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        request=request,
        milestone_stage=milestone_stage,
        by=by,
    )
    if repeat_weekly and kind != MeetingKind.WEEKLY:
        raise IssueError(gettext("Only the weekly meeting repeats."), field="repeat_weekly")
    with transaction.atomic():
        series = None
        if repeat_weekly:
            local = timezone.localtime(starts_at)
            series = MeetingSeries.objects.create(
                title=title,
                weekday=local.weekday(),
                start_time=local.time().replace(second=0, microsecond=0),
                duration_minutes=duration_minutes,
                place=place,
                chair=chair,
                created_by=by,
                created_at=now,
            )
            series.attendees.set(attendees)
        return _create_meeting(
            by=by,
            series=series,
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            chair=chair,
            attendees=attendees,
            request=request,
            milestone_stage=milestone_stage,
            problems=problems,
            requests=requests,
            now=now,
        )


def _create_meeting(
    *,
    by,
    series,
    title,
    kind,
    starts_at,
    ends_at,
    place,
    chair,
    attendees,
    request,
    milestone_stage,
    problems,
    requests,
    now,
) -> Meeting:
    meeting = Meeting.objects.create(
        series=series,
        title=title,
        kind=kind,
        milestone_stage=milestone_stage if kind == MeetingKind.MILESTONE else "",
        request=request,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        chair=chair,
        minutes_due=minutes_due_for(kind, ends_at),
        created_by=by,
        created_at=now,
    )
    people = list(dict.fromkeys([chair, *attendees]))
    MeetingAttendee.objects.bulk_create([MeetingAttendee(meeting=meeting, user=u) for u in people])
    problems, requests = list(problems), list(requests)
    proposed = set()
    if kind == MeetingKind.WEEKLY:
        auto_problems, auto_requests = proposed_agenda(by, now=now)
        proposed = {("p", p.pk) for p in auto_problems} | {("r", r.pk) for r in auto_requests}
        problems += [p for p in auto_problems if p not in problems]
        requests += [r for r in auto_requests if r not in requests]
    position = 0
    for problem in problems:
        position += 1
        agenda_problem(
            meeting,
            problem,
            by=by,
            position=position,
            proposed=("p", problem.pk) in proposed,
            now=now,
        )
    for req in requests:
        position += 1
        AgendaItem.objects.create(
            meeting=meeting, position=position, request=req, proposed=("r", req.pk) in proposed
        )
    log_meeting(
        meeting,
        events.MEETING_SCHEDULED,
        by=by,
        at=now,
        data={
            "kind": kind,
            "starts_at": starts_at.isoformat(),
            "series": getattr(series, "pk", None),
        },
    )
    _arm_meeting_reminders(meeting, people, now=now)
    tell(meeting, people, event=events.MEETING_SCHEDULED, template="meeting_scheduled")
    return meeting


def _arm_meeting_reminders(meeting, people, *, now) -> None:
    announce_at = max(now, meeting.starts_at - datetime.timedelta(days=1))
    if announce_at < meeting.starts_at:
        for person in people:
            schedule_reminder(
                kind=ANNOUNCE_KIND,
                target=meeting,
                stage="announce",
                recipient=person,
                fire_at=announce_at,
            )
    start = max(now, meeting.ends_at) if meeting.ends_at < meeting.minutes_due else now
    schedule_deadline(
        kind=MINUTES_KIND,
        target=meeting,
        due_at=meeting.minutes_due,
        recipients=secretaries(),
        start=start,
        working_hours=_minutes_hours(meeting, start=start),
    )


def _minutes_hours(meeting, *, start) -> float | None:
    """The office time the minutes are allowed when they are counted in working days
    from `start` (the meeting's end): what a confirmed holiday calendar recomputes. A
    meeting recorded after it ended is counted from its end, not from `start`, and keeps
    its due time."""
    if meeting.kind in URGENT_MINUTES_KINDS or start != meeting.ends_at:
        return None
    hours = calendar.working_hours_for(MINUTES_WORKING_DAYS)
    if calendar.add_working_hours(start, hours) != meeting.minutes_due:
        return None
    return hours


def plan_weekly_meetings(*, now=None, horizon_days: int = 7) -> int:
    """Create each active series' occurrences within the next `horizon_days`, skipping
    days off. Idempotent: an occurrence exists once (unique per series and start)."""
    now = now or timezone.now()
    created = 0
    today = timezone.localdate(now)
    for series in MeetingSeries.objects.filter(is_active=True).select_related(
        "chair", "created_by"
    ):
        attendees = list(series.attendees.filter(is_active=True))
        for offset in range(horizon_days + 1):
            day = today + datetime.timedelta(days=offset)
            if day.weekday() != series.weekday:
                continue
            try:
                if not calendar.is_working_day(day):
                    continue
            except calendar.WorkdaysError:
                continue
            starts_at = timezone.make_aware(datetime.datetime.combine(day, series.start_time))
            if (
                starts_at <= now
                or Meeting.objects.filter(series=series, starts_at=starts_at).exists()
            ):
                continue
            try:
                with transaction.atomic():
                    _create_meeting(
                        by=series.created_by,
                        series=series,
                        title=series.title,
                        kind=MeetingKind.WEEKLY,
                        starts_at=starts_at,
                        ends_at=starts_at + datetime.timedelta(minutes=series.duration_minutes),
                        place=series.place,
                        chair=series.chair,
                        attendees=attendees,
                        request=None,
                        milestone_stage="",
                        problems=(),
                        requests=(),
                        now=now,
                    )
            except IntegrityError:
                continue  # planned concurrently by another sweep
            except IssueError:
                logger.exception("Could not plan %s on %s", series, day)
                continue
            created += 1
    return created


def cancel_meeting(*, meeting, by, reason, now=None) -> Meeting:
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Say why the meeting is cancelled."), field="comment")
    with transaction.atomic():
        meeting = lock(meeting)
        check(
            permissions.can_cancel_meeting(by, meeting),
            permissions.can_manage_meetings(by),
            meeting,
        )
        fire_and_save(meeting, "cancel")
        log_meeting(meeting, events.MEETING_CANCELLED, by=by, comment=reason, at=now)
        cancel_reminders(kind=MINUTES_KIND, target=meeting, now=now)
        cancel_reminders(kind=ANNOUNCE_KIND, target=meeting, now=now)
        people = [a.user for a in meeting.attendees.select_related("user")]
        tell(
            meeting,
            people,
            event=events.MEETING_CANCELLED,
            template="meeting_cancelled",
            reason=reason,
        )
    return meeting
