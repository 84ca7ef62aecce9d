"""Who may do what with problems, meetings and action items. Views and services call
the same predicates.

Each action predicate answers for the current state *and* the person's role; the
`*_role` predicates answer for the role alone, so a view can tell a stale click (right
person, state moved on) from someone who never had the right (404 for those who
cannot see the object at all, 403 for those who see it but may not act)."""

from django_fsm import can_proceed

from collab.org.roles import roles_of
from requests_app.models import State as RequestState

from .models import ActionState, Grade, IssueSettings, MeetingKind, MeetingState, ProblemState

# A problem is reported while the collaboration runs (DOMAIN §5).
REPORTABLE_REQUEST_STATES = [RequestState.AWAITING_CONFIRMATION, RequestState.IN_PROGRESS]


def _concerned_ids(problem) -> set[int]:
    return {pd.department_id for pd in problem.departments.all()}


def _answering_ids(user) -> set[int]:
    """Departments a person may answer for: those they head or are liaison of."""
    roles = roles_of(user)
    return set(roles.headed) | set(roles.liaison_for)


# --- problems: reporting -------------------------------------------------------------------


def can_report(user, request) -> bool:
    """Anyone who may see a running request (caller checks visibility) may report."""
    return bool(user.is_authenticated and request.state in REPORTABLE_REQUEST_STATES)


# --- problems: roles -----------------------------------------------------------------------


def is_secretary(user) -> bool:
    return roles_of(user).is_secretary


def is_reporter(user, problem) -> bool:
    return problem.reporter_id == user.pk


def is_owner(user, problem) -> bool:
    return problem.owner_id is not None and problem.owner_id == user.pk


def may_answer_for(user, problem_department) -> bool:
    return problem_department.department_id in _answering_ids(user)


def is_concerned_head(user, problem) -> bool:
    """Head of a department concerned, of the reporting or of the lead (requesting)
    department: the first line for disputes."""
    headed = roles_of(user).headed
    departments = _concerned_ids(problem) | {
        problem.reporting_department_id,
        problem.request.requesting_department_id,
    }
    return bool(headed & departments)


def is_handler(user, problem) -> bool:
    """Who steers the problem: the owner, the secretary, the heads involved."""
    return is_owner(user, problem) or is_secretary(user) or is_concerned_head(user, problem)


# --- problems: actions ---------------------------------------------------------------------


def can_grade(user, problem) -> bool:
    return can_proceed(problem.accept_grade) and is_secretary(user)


def can_respond(user, problem, problem_department) -> bool:
    return (
        problem.state in (ProblemState.REPORTED, ProblemState.OPEN)
        and problem_department.problem_id == problem.pk
        and may_answer_for(user, problem_department)
    )


def responding_departments(user, problem) -> list:
    """The department rows this person may respond for right now."""
    return [pd for pd in problem.departments.all() if can_respond(user, problem, pd)]


def can_respond_any(user, problem) -> bool:
    return bool(responding_departments(user, problem))


def can_add_entry(user, problem) -> bool:
    """Proposals and decisions: the handlers and the departments concerned."""
    if problem.state != ProblemState.OPEN:
        return False
    return is_handler(user, problem) or bool(_concerned_ids(problem) & _answering_ids(user))


def can_resolve(user, problem) -> bool:
    return can_proceed(problem.resolve) and (is_owner(user, problem) or is_secretary(user))


def can_confirm(user, problem) -> bool:
    return can_proceed(problem.confirm) and is_reporter(user, problem)


def can_escalate(user, problem) -> bool:
    return (
        problem.state == ProblemState.OPEN
        and problem.grade in (Grade.GENERAL, Grade.IMPORTANT)
        and is_concerned_head(user, problem)
    )


def can_set_owner(user, problem) -> bool:
    """A major problem: its handler (the coordination group leader) names the owner."""
    return (
        problem.state == ProblemState.OPEN
        and problem.grade == Grade.MAJOR
        and (is_major_handler(user) or is_owner(user, problem))
    )


def is_major_handler(user) -> bool:
    """The coordination group leader, or the person the administrator named instead."""
    named = IssueSettings.current().major_problem_handler_id
    if named:
        return user.pk == named
    return roles_of(user).is_group_leader


def major_handler_for(problem):
    """Who a major problem goes to: the person the administrator named, else the
    coordination group leader, else the division leader of the requesting department."""
    from django.contrib.auth import get_user_model

    named = IssueSettings.current().major_problem_handler
    if named is not None and named.is_active:
        return named
    leader = (
        get_user_model().objects.filter(is_group_leader=True, is_active=True).order_by("pk").first()
    )
    return leader or problem.request.requesting_department.leader


def can_refer(user, problem) -> bool:
    return (
        problem.state == ProblemState.OPEN
        and not problem.referral_pending
        and (is_concerned_head(user, problem) or is_secretary(user))
    )


def can_rule(user, problem) -> bool:
    return (
        problem.state == ProblemState.OPEN
        and problem.referral_pending
        and (problem.referred_to_id == user.pk)
    )


def can_dismiss(user, problem) -> bool:
    return can_proceed(problem.dismiss) and is_secretary(user)


def can_add_attachment(user, problem) -> bool:
    return problem.state != ProblemState.CLOSED and (
        is_reporter(user, problem) or is_handler(user, problem)
    )


def can_act_role(user, problem) -> bool:
    """Anyone who could ever act on a problem (for telling stale clicks from 403)."""
    return (
        is_reporter(user, problem)
        or is_handler(user, problem)
        or is_major_handler(user)
        or problem.referred_to_id == user.pk
        or bool(_concerned_ids(problem) & _answering_ids(user))
    )


# --- meetings ------------------------------------------------------------------------------


def can_manage_meetings(user) -> bool:
    return roles_of(user).is_secretary


def can_edit_meeting(user, meeting) -> bool:
    """Agenda and minutes: the secretary, while the minutes are not published."""
    return meeting.state == MeetingState.SCHEDULED and can_manage_meetings(user)


def can_publish(user, meeting) -> bool:
    return (
        can_proceed(meeting.publish) and meeting.starts_at is not None and can_manage_meetings(user)
    )


def can_cancel_meeting(user, meeting) -> bool:
    return can_proceed(meeting.cancel) and can_manage_meetings(user)


def can_sign_off(user, meeting) -> bool:
    return (
        meeting.kind == MeetingKind.MILESTONE
        and meeting.state == MeetingState.PUBLISHED
        and meeting.signed_off_at is None
        and roles_of(user).is_group_leader
    )


def can_complete_action(user, action) -> bool:
    return (
        action.state == ActionState.OPEN
        and action.meeting.state == MeetingState.PUBLISHED
        and action.owner_id == user.pk
    )
