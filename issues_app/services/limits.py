"""Who must act on a problem at each grade and by when: the owner, the grade's
working-day limit, and the reminders and automatic escalation armed for it."""

from collab.notify.reminders import cancel_reminders, schedule_deadline
from collab.workdays import calendar

from .. import permissions
from ..models import Grade, ProblemState
from ..models.choices import GRADE_WORKING_DAYS
from ..reminder_kinds import LIMIT_KIND
from .common import add_working_days, secretaries
from .problems import department_people, tell


def default_owner(problem, grade):
    """Who must act at each grade (DOMAIN §5): the lead department's head settles a
    general problem with the collaborators, the secretary convenes the coordination
    meeting for an important one, the coordination group leader takes a major one."""
    if grade == Grade.GENERAL:
        return problem.request.requesting_department.head
    if grade == Grade.IMPORTANT:
        current = problem.owner
        if current is not None and current.is_secretary and current.is_active:
            return current
        found = secretaries()
        return found[0] if found else None
    return permissions.major_handler_for(problem)


def grade_limit(grade, *, start):
    days = GRADE_WORKING_DAYS.get(grade)
    return add_working_days(start, days) if days is not None else None


def arm_limit(problem, *, start) -> None:
    """(Re-)arm the reminders and the automatic escalation for the current limit."""
    cancel_reminders(kind=LIMIT_KIND, target=problem, now=start)
    if problem.state != ProblemState.OPEN or problem.due_at is None:
        return
    recipients = [problem.owner]
    if problem.grade == Grade.GENERAL:
        recipients += department_people(problem, unanswered_only=True)
    schedule_deadline(
        kind=LIMIT_KIND,
        target=problem,
        due_at=problem.due_at,
        recipients=recipients,
        escalate_to=secretaries() if problem.grade == Grade.MAJOR else (),
        start=start,
        working_hours=_limit_hours(problem, start=start),
    )


def _limit_hours(problem, *, start) -> float | None:
    """The working time of the grade's limit when the deadline is that limit (not a
    date the group leader set by hand): what a confirmed calendar recomputes."""
    days = GRADE_WORKING_DAYS.get(problem.grade)
    if days is None or problem.due_at != grade_limit(problem.grade, start=start):
        return None
    return calendar.working_hours_for(days)


def tell_owner(problem, *, event, template, **extra) -> None:
    if problem.owner is not None:
        tell(problem, [problem.owner], event=event, template=template, due=problem.due_at, **extra)
