"""Every transition from every state: allowed exactly where DOMAIN §3 says."""

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from requests_app.models import Request, State

S = State
ALLOWED = {
    "submit": {S.DRAFT: S.HEAD_REVIEW},
    "resubmit": {S.RETURNED: S.HEAD_REVIEW},
    "approve_by_head": {S.HEAD_REVIEW: S.LEADER_REVIEW},
    "approve_by_leader": {S.LEADER_REVIEW: S.AWAITING_CONFIRMATION},
    "return_request": {S.HEAD_REVIEW: S.RETURNED, S.LEADER_REVIEW: S.RETURNED},
    "return_from_confirmation": {S.AWAITING_CONFIRMATION: S.RETURNED},
    "start": {S.AWAITING_CONFIRMATION: S.IN_PROGRESS},
    "withdraw": {
        s: S.WITHDRAWN
        for s in (S.DRAFT, S.HEAD_REVIEW, S.LEADER_REVIEW, S.AWAITING_CONFIRMATION, S.RETURNED)
    },
    "complete": {S.IN_PROGRESS: S.COMPLETED},
    "archive": {S.COMPLETED: S.ARCHIVED},
    "cancel": {S.IN_PROGRESS: S.CANCELLED},
}
CASES = [(name, state) for name in ALLOWED for state in State.values]


@pytest.mark.parametrize("name,state", CASES)
def test_transition_allowed_only_from_domain_states(name, state):
    request = Request(state=state)
    method = getattr(request, name)
    target = ALLOWED[name].get(state)
    assert can_proceed(method) is (target is not None)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            method()
        assert request.state == state
    else:
        method()
        assert request.state == target


def test_head_approval_skipping_leader_review_goes_to_confirmation():
    request = Request(state=S.HEAD_REVIEW)
    request.approve_by_head(skip_leader_review=True)
    assert request.state == S.AWAITING_CONFIRMATION


def test_state_cannot_be_assigned_directly():
    request = Request(state=S.DRAFT)
    with pytest.raises(AttributeError):
        request.state = S.IN_PROGRESS


def test_terminal_states_have_no_way_out():
    for state in (S.ARCHIVED, S.WITHDRAWN, S.CANCELLED):
        request = Request(state=state)
        assert not any(can_proceed(getattr(request, name)) for name in ALLOWED)
