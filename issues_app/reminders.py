"""What the reminders about problems and meetings say, and the escalation they trigger.
Registered with the reminder engine in AppConfig.ready().

A response, limit or minutes deadline missed by more than 24 h is explained by its
holders (the engine's "explain" stage): a problem's under its request ("request:<id>",
shown in the progress ledger), the minutes under the meeting ("meeting:<id>")."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.notify.dates import local_datetime
from collab.notify.reminders import ReminderHandler, ReminderItem, default_text, register_handler
from collab.org.roles import roles_of

from .models import ActionItem, ActionState, Meeting, MeetingState, Problem, ProblemState
from .models.events import DEADLINE_MOVED
from .reminder_kinds import ACTION_KIND, ANNOUNCE_KIND, LIMIT_KIND, MINUTES_KIND, RESPONSE_KIND
from .selectors import visible_meetings, visible_problems
from .services import escalate_if_overdue, escalate_overdue_problems, plan_weekly_meetings
from .services.common import log_meeting, log_problem

__all__ = [
    "ACTION_KIND",
    "ANNOUNCE_KIND",
    "LIMIT_KIND",
    "MINUTES_KIND",
    "RESPONSE_KIND",
    "register",
    "working_morning",
]


def _problem(reminder):
    return Problem.objects.select_related("request").filter(pk=reminder.target_id).first()


def _visible_to(problem, user) -> bool:
    return visible_problems(user).filter(pk=problem.pk).exists()


def _problem_ref(reminder) -> str:
    problem = _problem(reminder)
    if problem is None:
        return f"{reminder.kind}:{reminder.target_id}"
    return f"request:{problem.request_id}"


def _late_problem(reason):
    """The problem of a missed deadline, or None when the person asked may no longer see
    it (whatever its state: a delay is explained after the step may be done)."""
    problem = _problem(reason)
    if problem is None or not reason.person.is_active or not _visible_to(problem, reason.person):
        return None
    return problem


def _move_problem_deadline(problem_id, field, old_due, new_due) -> bool:
    """A working-day limit recomputed on the confirmed holiday calendar."""
    problem = Problem.objects.select_for_update().filter(pk=problem_id).first()
    if problem is None or getattr(problem, field) != old_due:
        return False
    setattr(problem, field, new_due)
    problem.save(update_fields=[field])
    log_problem(
        problem,
        DEADLINE_MOVED,
        by=None,
        data={"field": field, "old": old_due.isoformat(), "new": new_due.isoformat()},
    )
    return True


class ProblemResponseHandler(ReminderHandler):
    """The departments concerned respond within 2 working days of the report."""

    def deadline_moved(self, *, target_id, old_due, new_due):
        return _move_problem_deadline(target_id, "response_due", old_due, new_due)

    def describe(self, reminder):
        problem = _problem(reminder)
        if problem is None or problem.state not in (ProblemState.REPORTED, ProblemState.OPEN):
            return None
        if reminder.recipient is None or not _visible_to(problem, reminder.recipient):
            return None
        if reminder.stage != "escalate":
            roles = roles_of(reminder.recipient)
            mine = set(roles.headed) | set(roles.liaison_for)
            if not problem.departments.filter(department__in=mine, responded_at__isnull=True):
                return None
        elif not problem.departments.filter(responded_at__isnull=True).exists():
            return None
        return ReminderItem(
            title=gettext("Respond to problem %(number)s %(title)s")
            % {"number": problem.number, "title": problem.title},
            text=default_text(reminder, working_days=True),
            url=reverse("issues:problem", args=[problem.pk]),
        )

    def ref(self, reminder):
        return _problem_ref(reminder)

    def late_title(self, reason):
        problem = _late_problem(reason)
        if problem is None:
            return None
        return gettext("Respond to problem %(number)s %(title)s") % {
            "number": problem.number,
            "title": problem.title,
        }


class ProblemLimitHandler(ReminderHandler):
    """The limit of the problem's grade; when it passes, the problem moves up a grade."""

    def describe(self, reminder):
        problem = _problem(reminder)
        if problem is None or problem.state != ProblemState.OPEN or problem.due_at is None:
            return None
        if reminder.recipient is None or not _visible_to(problem, reminder.recipient):
            return None
        return ReminderItem(
            title=gettext("Problem %(number)s (%(grade)s): %(title)s")
            % {
                "number": problem.number,
                "grade": problem.get_grade_display(),
                "title": problem.title,
            },
            text=default_text(reminder, working_days=True),
            url=reverse("issues:problem", args=[problem.pk]),
        )

    def deadline_moved(self, *, target_id, old_due, new_due):
        return _move_problem_deadline(target_id, "due_at", old_due, new_due)

    def escalate(self, reminder):
        escalate_if_overdue(problem_id=reminder.target_id)

    def ref(self, reminder):
        return _problem_ref(reminder)

    def late_title(self, reason):
        problem = _late_problem(reason)
        if problem is None:
            return None
        return gettext("Problem %(number)s (%(grade)s): %(title)s") % {
            "number": problem.number,
            "grade": problem.get_grade_display(),
            "title": problem.title,
        }


def _move_minutes_due(meeting_id, old_due, new_due) -> bool:
    """Minutes due 1 working day after the meeting, recomputed on the confirmed calendar;
    published or cancelled minutes keep the due time they were judged against."""
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None or meeting.state != MeetingState.SCHEDULED:
        return False
    if meeting.minutes_due != old_due:
        return False
    meeting.minutes_due = new_due
    meeting.save(update_fields=["minutes_due"])
    log_meeting(
        meeting,
        DEADLINE_MOVED,
        by=None,
        data={"field": "minutes_due", "old": old_due.isoformat(), "new": new_due.isoformat()},
    )
    return True


class MinutesHandler(ReminderHandler):
    def deadline_moved(self, *, target_id, old_due, new_due):
        return _move_minutes_due(target_id, old_due, new_due)

    def describe(self, reminder):
        meeting = Meeting.objects.filter(pk=reminder.target_id).first()
        if meeting is None or meeting.state != MeetingState.SCHEDULED:
            return None
        return ReminderItem(
            title=gettext("Minutes of “%(title)s”") % {"title": meeting.title},
            text=default_text(reminder),
            url=reverse("issues:meeting", args=[meeting.pk]),
        )

    def ref(self, reminder):
        return f"meeting:{reminder.target_id}"

    def late_title(self, reason):
        if not reason.person.is_active:
            return None
        meeting = visible_meetings(reason.person).filter(pk=reason.target_id).first()
        if meeting is None:
            return None
        return gettext("Minutes of “%(title)s”") % {"title": meeting.title}


class AnnouncementHandler(ReminderHandler):
    def describe(self, reminder):
        meeting = Meeting.objects.filter(pk=reminder.target_id).first()
        if meeting is None or meeting.state != MeetingState.SCHEDULED:
            return None
        if meeting.starts_at <= timezone.now():
            return None
        return ReminderItem(
            title=gettext("Meeting: %(title)s") % {"title": meeting.title},
            text=gettext("%(when)s, %(place)s.")
            % {
                "when": local_datetime(meeting.starts_at),
                "place": meeting.place,
            },
            url=reverse("issues:meeting", args=[meeting.pk]),
        )


class ActionHandler(ReminderHandler):
    def describe(self, reminder):
        action = ActionItem.objects.select_related("meeting").filter(pk=reminder.target_id).first()
        if action is None or action.state != ActionState.OPEN:
            return None
        return ReminderItem(
            title=gettext("Action item: %(title)s") % {"title": action.title},
            text=default_text(reminder, working_days=True),
            url=reverse("issues:meeting", args=[action.meeting_id]) + f"#action-{action.pk}",
        )


def register() -> None:
    register_handler(RESPONSE_KIND, ProblemResponseHandler())
    register_handler(LIMIT_KIND, ProblemLimitHandler())
    register_handler(MINUTES_KIND, MinutesHandler())
    register_handler(ANNOUNCE_KIND, AnnouncementHandler())
    register_handler(ACTION_KIND, ActionHandler())


def working_morning(now) -> None:
    """09:00 on working days: plan this week's recurring meetings (their attendees are
    invited and reminded the day before) and escalate whatever the reminder engine
    might have missed. Both are idempotent."""
    plan_weekly_meetings(now=now)
    escalate_overdue_problems(now=now)
