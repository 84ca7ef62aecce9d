"""Who may do what with a task. Views, templates and services call the same predicates.

Action predicates answer for the current state *and* the role; the `is_*` helpers answer
for the role alone, so a view can tell a stale click (right person, state moved on) from
someone who never had the right (403). Whether a person may see a task at all is decided
in SQL by selectors.visible_tasks (404 otherwise)."""

from django_fsm import can_proceed

from collab.org.roles import roles_of
from requests_app import permissions as request_permissions
from requests_app.models import Answer
from requests_app.models import State as RequestState

from .models import CHANGEABLE, TaskState

# --- roles ---------------------------------------------------------------------------


def is_live(task) -> bool:
    """Work on a task happens only while its request is in progress (not cancelled,
    completed or archived)."""
    return task.request.state == RequestState.IN_PROGRESS


def is_owner(user, task) -> bool:
    return task.owner_id == user.pk


def is_collaborator(user, task) -> bool:
    """Reads the prefetched collaborators when there are any."""
    return any(c.pk == user.pk for c in task.collaborators.all())


def is_task_head(user, task) -> bool:
    """The head of the department that carries the task out."""
    return task.department_id in roles_of(user).headed


def is_requester_side(user, request) -> bool:
    """The requester or the requesting department's head: they accept and rate."""
    return request_permissions.is_requester(user, request) or (
        request_permissions.is_requesting_head(user, request)
    )


def is_department_head(user, department_id) -> bool:
    return department_id in roles_of(user).headed


# --- breaking a request down ---------------------------------------------------------


def can_break_down(user, request, request_department, *, rated: bool = False) -> bool:
    """The head of a confirmed addressed department, while the request is in progress
    and the department has not been rated (a rated department is closed)."""
    return (
        request.state == RequestState.IN_PROGRESS
        and request_department.request_id == request.pk
        and request_department.answer == Answer.CONFIRMED
        and is_department_head(user, request_department.department_id)
        and not rated
    )


def can_edit(user, task) -> bool:
    return task.state in CHANGEABLE and is_live(task) and is_task_head(user, task)


def can_cancel(user, task) -> bool:
    return can_proceed(task.cancel) and is_live(task) and is_task_head(user, task)


# --- doing the work ------------------------------------------------------------------


def can_start(user, task) -> bool:
    return can_proceed(task.start) and is_live(task) and is_owner(user, task)


def can_resume(user, task) -> bool:
    return can_proceed(task.resume) and is_live(task) and is_owner(user, task)


def may_post_progress(user, task) -> bool:
    return is_owner(user, task) or is_collaborator(user, task)


def can_post_progress(user, task) -> bool:
    return (
        task.state in (TaskState.IN_PROGRESS, TaskState.REWORK)
        and is_live(task)
        and may_post_progress(user, task)
    )


def can_deliver(user, task) -> bool:
    return can_proceed(task.deliver) and is_live(task) and is_owner(user, task)


# --- acceptance and rating -----------------------------------------------------------


def can_decide(user, task) -> bool:
    """Accept or reject the delivery on the table."""
    return can_proceed(task.accept) and is_live(task) and is_requester_side(user, task.request)


def can_rate(user, request, *, ready: bool, rated: bool) -> bool:
    """`ready`: the department has tasks, all of them accepted or cancelled, at least
    one accepted (computed in SQL by the selector)."""
    return (
        request.state == RequestState.IN_PROGRESS
        and ready
        and not rated
        and is_requester_side(user, request)
    )
