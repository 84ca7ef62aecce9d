"""Who may do what with a request. Views and services call the same predicates.

Each action predicate answers for the current state *and* the person's role; the state
part of a step is asked of the state machine (`can_proceed`), never restated here; the
`*_role` helpers answer for the role alone, so a view can tell a stale click (right
person, state moved on) from someone who never had the right."""

from django_fsm import can_proceed

from collab.org.roles import roles_of

from .models import Answer, Confidentiality, State
from .models.choices import EDITABLE, WITHDRAWABLE
from .selectors import visible_requests


def _dept_ids(user) -> set[int]:
    roles = roles_of(user)
    ids = set(roles.headed) | set(roles.liaison_for)
    if user.department_id:
        ids.add(user.department_id)
    return ids


# --- roles ------------------------------------------------------------------------


def is_requester(user, request) -> bool:
    return request.requester_id == user.pk


def is_requesting_head(user, request) -> bool:
    return request.requesting_department_id in roles_of(user).headed


def is_division_leader(user, request) -> bool:
    return request.requesting_department_id in roles_of(user).led


def may_answer_for(user, request_department) -> bool:
    """The addressed department's liaison, head or named contact answers for it."""
    roles = roles_of(user)
    dept_id = request_department.department_id
    return (
        dept_id in roles.headed
        or dept_id in roles.liaison_for
        or request_department.contact_id == user.pk
    )


# --- visibility (single object; lists use selectors.visible_requests) --------------


def is_named_on(user, request, request_departments=None) -> bool:
    if is_requester(user, request):
        return True
    if request.submitted_at is None:
        return False
    if is_requesting_head(user, request) or is_division_leader(user, request):
        return True
    roles = roles_of(user)
    for rd in request_departments if request_departments is not None else request.departments.all():
        if rd.reached_at and (rd.contact_id == user.pk or rd.department_id in roles.headed):
            return True
    return False


def can_view(user, request) -> bool:
    """Mirror of selectors.visible_requests for one object already loaded."""
    if not user.is_authenticated:
        return False
    return visible_requests(user).filter(pk=request.pk).exists()


# --- actions ----------------------------------------------------------------------


def can_edit(user, request) -> bool:
    return is_requester(user, request) and request.state in EDITABLE


def can_submit(user, request) -> bool:
    return is_requester(user, request) and (
        can_proceed(request.submit) or can_proceed(request.resubmit)
    )


def can_withdraw(user, request) -> bool:
    return is_requester(user, request) and can_proceed(request.withdraw)


def can_head_review(user, request) -> bool:
    return can_proceed(request.approve_by_head) and is_requesting_head(user, request)


def can_leader_review(user, request) -> bool:
    return can_proceed(request.approve_by_leader) and is_division_leader(user, request)


def can_review(user, request) -> bool:
    return can_head_review(user, request) or can_leader_review(user, request)


def is_reviewer_role(user, request) -> bool:
    return is_requesting_head(user, request) or is_division_leader(user, request)


def can_answer(user, request, request_department) -> bool:
    return (
        request.state == State.AWAITING_CONFIRMATION
        and request_department.request_id == request.pk
        and request_department.answer == Answer.PENDING
        and may_answer_for(user, request_department)
    )


def can_acknowledge(user, request, request_department) -> bool:
    """The liaison, contact person or head confirms receipt (确认收到) once per round."""
    return (
        request.state == State.AWAITING_CONFIRMATION
        and request_department.request_id == request.pk
        and request_department.reached_at is not None
        and request_department.acknowledged_at is None
        and request_department.answer == Answer.PENDING
        and may_answer_for(user, request_department)
    )


def can_reply_clarification(user, request, clarification) -> bool:
    return (
        is_requester(user, request)
        and clarification.request_id == request.pk
        and clarification.answered_at is None
        and request.state == State.AWAITING_CONFIRMATION
    )


def can_add_attachment(user, request) -> bool:
    return is_requester(user, request) and request.state in WITHDRAWABLE + [State.IN_PROGRESS]


def can_grant_access(user, request) -> bool:
    return request.confidentiality == Confidentiality.CONFIDENTIAL and (
        is_requester(user, request) or is_requesting_head(user, request)
    )


def can_cancel(user, request) -> bool:
    return can_proceed(request.cancel) and is_division_leader(user, request)
