"""The minutes: the draft (attendance, decisions, action items), publishing it, and the
group leader's sign-off of a milestone meeting's resolution (DOMAIN §6)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify.reminders import cancel_reminders, schedule_deadline
from requests_app.selectors import visible_requests

from .. import permissions
from ..errors import IssueError
from ..models import ActionItem, ActionState, EntryKind, Meeting, MeetingKind, ProblemEntry, events
from ..reminder_kinds import ACTION_KIND, MINUTES_KIND
from ..selectors import visible_problems
from .common import end_of_office_day, log_meeting, log_problem, secretaries
from .meetings import check, fire_and_save, lock, tell


def save_minutes(*, meeting, by, summary, present_ids, decisions, actions, now=None) -> Meeting:
    """Save the minutes draft: attendance, a decision per agenda item, action items.

    `decisions` maps agenda item ids to text; `actions` is a list of dicts with `id`
    (None for a new one), `title`, `owner`, `deadline`, `problem`, `request`, `remove`.
    A removed action item is cancelled, not deleted."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = lock(meeting)
        check(
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
        meeting = lock(meeting)
        check(permissions.can_publish(by, meeting), permissions.can_manage_meetings(by), meeting)
        if meeting.starts_at > now:
            raise IssueError(gettext("Minutes can be published once the meeting has started."))
        fire_and_save(meeting, "publish")
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
            tell(
                meeting,
                [action.owner],
                event="issues.action.assigned",
                template="action_assigned",
                action=action.title,
                deadline=action.deadline,
            )
        people = [a.user for a in meeting.attendees.select_related("user")]
        tell(meeting, people, event=events.MEETING_PUBLISHED, template="minutes_published")
        if meeting.kind == MeetingKind.MILESTONE:
            leaders = get_user_model().objects.filter(is_group_leader=True, is_active=True)
            tell(meeting, leaders, event="issues.meeting.sign_off_requested", template="sign_off")
    return meeting


def sign_off(*, meeting, by, comment="", now=None) -> Meeting:
    now = now or timezone.now()
    with transaction.atomic():
        meeting = lock(meeting)
        check(permissions.can_sign_off(by, meeting), by.is_group_leader, meeting)
        meeting.signed_off_by, meeting.signed_off_at = by, now
        meeting.save()
        log_meeting(meeting, events.MEETING_SIGNED, by=by, comment=comment, at=now)
        tell(
            meeting,
            [meeting.published_by, meeting.chair],
            event=events.MEETING_SIGNED,
            template="signed",
        )
    return meeting
