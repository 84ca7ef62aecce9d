"""Every write to a meeting: scheduling (one-off and weekly), agenda, minutes,
publishing, the group leader's sign-off and action items (DOMAIN §6)."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collab.notify.handoff import notify_on_commit
from collab.notify.reminders import cancel_reminders, schedule_deadline, schedule_reminder
from collab.workdays import calendar
from requests_app.selectors import visible_requests

from .. import permissions
from ..errors import IssueError
from ..models import (
    ActionItem,
    ActionState,
    AgendaItem,
    EntryKind,
    Meeting,
    MeetingAttendee,
    MeetingEvent,
    MeetingKind,
    MeetingSeries,
    ProblemEntry,
    events,
)
from ..models.choices import (
    MINUTES_HOURS_IMPORTANT,
    MINUTES_WORKING_DAYS,
    URGENT_MINUTES_KINDS,
    WEEKLY_MAX_MINUTES,
)
from ..reminder_kinds import ACTION_KIND, ANNOUNCE_KIND, MINUTES_KIND
from ..selectors import proposed_agenda, visible_meetings, visible_problems
from .common import (
    add_working_days,
    deny,
    end_of_office_day,
    log_meeting,
    log_problem,
    secretaries,
)

logger = logging.getLogger(__name__)


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


def _locked(meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


def _check(allowed: bool, role: bool, meeting) -> None:
    if not allowed:
        raise stale_error(meeting) if role else deny()


def _fire_and_save(meeting, method_name: str) -> None:
    try:
        getattr(meeting, method_name)()
        meeting.save()
    except (TransitionNotAllowed, ConcurrentTransition):
        raise stale_error(meeting) from None


def _tell(meeting, recipients, *, event, template, **extra) -> None:
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


# --- scheduling ----------------------------------------------------------------------------


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
        _agenda_problem(
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
    _tell(meeting, people, event=events.MEETING_SCHEDULED, template="meeting_scheduled")
    return meeting


def _agenda_problem(meeting, problem, *, by, position, proposed, now) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting, position=position, problem=problem, proposed=proposed
    )
    log_problem(
        problem,
        events.PROBLEM_ON_AGENDA,
        by=by,
        at=now,
        data={"meeting": meeting.pk, "title": meeting.title},
    )
    return item


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


# --- agenda --------------------------------------------------------------------------------


def add_agenda_item(*, meeting, by, problem=None, request=None, title="", now=None) -> AgendaItem:
    now = now or timezone.now()
    title = (title or "").strip()
    if sum(bool(x) for x in (problem, request, title)) != 1:
        raise IssueError(gettext("Choose a problem, a request or write a topic."), field="title")
    if problem is not None and not visible_problems(by).filter(pk=problem.pk).exists():
        raise IssueError(gettext("Choose a problem you can see."), field="problem")
    if request is not None and not visible_requests(by).filter(pk=request.pk).exists():
        raise IssueError(gettext("Choose a request you can see."), field="request")
    with transaction.atomic():
        meeting = _locked(meeting)
        _check(
            permissions.can_edit_meeting(by, meeting), permissions.can_manage_meetings(by), meeting
        )
        duplicate = meeting.agenda.filter(problem=problem) if problem else None
        if request is not None:
            duplicate = meeting.agenda.filter(request=request)
        if duplicate is not None and duplicate.exists():
            raise IssueError(gettext("This is already on the agenda."), field="problem")
        position = (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
        if problem is not None:
            item = _agenda_problem(
                meeting, problem, by=by, position=position, proposed=False, now=now
            )
        else:
            item = AgendaItem.objects.create(
                meeting=meeting, position=position, request=request, title=title
            )
        log_meeting(
            meeting,
            events.MEETING_AGENDA_ADDED,
            by=by,
            at=now,
            data={"problem": getattr(problem, "pk", None), "request": getattr(request, "pk", None)},
        )
    return item


# --- minutes -------------------------------------------------------------------------------


def save_minutes(*, meeting, by, summary, present_ids, decisions, actions, now=None) -> Meeting:
    """Save the minutes draft: attendance, a decision per agenda item, action items.

    `decisions` maps agenda item ids to text; `actions` is a list of dicts with `id`
    (None for a new one), `title`, `owner`, `deadline`, `problem`, `request`, `remove`.
    A removed action item is cancelled, not deleted."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        _check(
            permissions.can_edit_meeting(by, meeting), permissions.can_manage_meetings(by), meeting
        )
        meeting.summary = summary
        meeting.minutes_saved_at = now
        meeting.save()
        present_ids = set(present_ids)
        for attendee in meeting.attendees.all():
            present = attendee.user_id in present_ids
            if attendee.present != present:
                attendee.present = present
                attendee.save()
        for item in meeting.agenda.all():
            text = decisions.get(item.pk)
            if text is not None and text != item.decision:
                item.decision = text
                item.save()
        _save_actions(meeting, actions, by=by)
        log_meeting(meeting, events.MEETING_MINUTES_SAVED, by=by, at=now)
    return meeting


def _save_actions(meeting, actions, *, by) -> None:
    existing = {a.pk: a for a in meeting.actions.all()}
    visible_p = set(
        visible_problems(by)
        .values_list("pk", flat=True)
        .filter(pk__in=[a["problem"].pk for a in actions if a.get("problem")])
    )
    for data in actions:
        problem, req = data.get("problem"), data.get("request")
        if problem is not None and problem.pk not in visible_p:
            raise IssueError(gettext("Choose a problem you can see."), field="actions")
        if req is not None and not visible_requests(by).filter(pk=req.pk).exists():
            raise IssueError(gettext("Choose a request you can see."), field="actions")
        action = existing.get(data.get("id"))
        if action is None:
            if data.get("remove"):
                continue
            ActionItem.objects.create(
                meeting=meeting,
                title=data["title"],
                owner=data["owner"],
                deadline=data["deadline"],
                problem=problem,
                request=req or (problem.request if problem else None),
            )
            continue
        if action.state != ActionState.OPEN:
            continue
        if data.get("remove"):
            action.cancel()
        else:
            action.title, action.owner, action.deadline = (
                data["title"],
                data["owner"],
                data["deadline"],
            )
            action.problem = problem
            action.request = req or (problem.request if problem else None)
        action.save()


def publish_minutes(*, meeting, by, now=None) -> Meeting:
    """Publish: attendees are told, each action item becomes tracked on its owner's My
    work, decisions on problems are recorded on the problems, and a milestone meeting's
    resolution goes to the group leader for signature."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        _check(permissions.can_publish(by, meeting), permissions.can_manage_meetings(by), meeting)
        if meeting.starts_at > now:
            raise IssueError(gettext("Minutes can be published once the meeting has started."))
        _fire_and_save(meeting, "publish")
        meeting.published_by, meeting.published_at = by, now
        meeting.save()
        late = now > meeting.minutes_due
        log_meeting(meeting, events.MEETING_PUBLISHED, by=by, at=now, data={"late": late})
        cancel_reminders(kind=MINUTES_KIND, target=meeting, now=now)
        for item in (
            meeting.agenda.filter(problem__isnull=False)
            .exclude(decision="")
            .select_related("problem")
        ):
            ProblemEntry.objects.create(
                problem=item.problem, kind=EntryKind.DECISION, text=item.decision, author=by, at=now
            )
            log_problem(
                item.problem,
                events.PROBLEM_DECISION,
                by=by,
                comment=item.decision,
                at=now,
                data={"meeting": meeting.pk, "title": meeting.title},
            )
        actions = list(meeting.actions.filter(state=ActionState.OPEN).select_related("owner"))
        for action in actions:
            schedule_deadline(
                kind=ACTION_KIND,
                target=action,
                due_at=end_of_office_day(action.deadline),
                recipients=[action.owner],
                escalate_to=secretaries(),
                start=now,
            )
            _tell(
                meeting,
                [action.owner],
                event="issues.action.assigned",
                template="action_assigned",
                action=action.title,
                deadline=action.deadline,
            )
        people = [a.user for a in meeting.attendees.select_related("user")]
        _tell(meeting, people, event=events.MEETING_PUBLISHED, template="minutes_published")
        if meeting.kind == MeetingKind.MILESTONE:
            leaders = get_user_model().objects.filter(is_group_leader=True, is_active=True)
            _tell(meeting, leaders, event="issues.meeting.sign_off_requested", template="sign_off")
    return meeting


def sign_off(*, meeting, by, comment="", now=None) -> Meeting:
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        _check(permissions.can_sign_off(by, meeting), by.is_group_leader, meeting)
        meeting.signed_off_by, meeting.signed_off_at = by, now
        meeting.save()
        log_meeting(meeting, events.MEETING_SIGNED, by=by, comment=comment, at=now)
        _tell(
            meeting,
            [meeting.published_by, meeting.chair],
            event=events.MEETING_SIGNED,
            template="signed",
        )
    return meeting


def cancel_meeting(*, meeting, by, reason, now=None) -> Meeting:
    now = now or timezone.now()
    if not reason.strip():
        raise IssueError(gettext("Say why the meeting is cancelled."), field="comment")
    with transaction.atomic():
        meeting = _locked(meeting)
        _check(
            permissions.can_cancel_meeting(by, meeting),
            permissions.can_manage_meetings(by),
            meeting,
        )
        _fire_and_save(meeting, "cancel")
        log_meeting(meeting, events.MEETING_CANCELLED, by=by, comment=reason, at=now)
        cancel_reminders(kind=MINUTES_KIND, target=meeting, now=now)
        cancel_reminders(kind=ANNOUNCE_KIND, target=meeting, now=now)
        people = [a.user for a in meeting.attendees.select_related("user")]
        _tell(
            meeting,
            people,
            event=events.MEETING_CANCELLED,
            template="meeting_cancelled",
            reason=reason,
        )
    return meeting


# --- action items --------------------------------------------------------------------------


def complete_action(*, action, by, note="", now=None) -> ActionItem:
    now = now or timezone.now()
    with transaction.atomic():
        action = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("meeting", "problem__request")
            .get(pk=action.pk)
        )
        if not permissions.can_complete_action(by, action):
            if action.owner_id != by.pk:
                raise deny()
            raise IssueError(
                gettext("This action item is already “%(state)s”.")
                % {"state": action.get_state_display()}
            )
        try:
            action.complete()
            action.done_by, action.done_at, action.done_note = by, now, note
            action.save()
        except (TransitionNotAllowed, ConcurrentTransition):
            raise IssueError(gettext("This action item changed in the meantime.")) from None
        log_meeting(
            action.meeting,
            events.ACTION_DONE,
            by=by,
            comment=note,
            at=now,
            data={
                "action": action.pk,
                "title": action.title,
                "on_time": timezone.localdate(now) <= action.deadline,
            },
        )
        if action.problem is not None:
            log_problem(
                action.problem,
                events.ACTION_DONE,
                by=by,
                comment=note,
                at=now,
                data={"action": action.pk, "title": action.title},
            )
        cancel_reminders(kind=ACTION_KIND, target=action, now=now)
        _tell(
            action.meeting,
            [action.meeting.published_by, action.meeting.chair],
            event=events.ACTION_DONE,
            template="action_done",
            action=action.title,
            who=by.name,
        )
    return action
