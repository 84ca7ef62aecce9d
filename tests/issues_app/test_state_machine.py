"""The problem, meeting and action-item state machines: protected fields, allowed
transitions only, concurrent second clicks explained with who got there first."""

import datetime

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from issues_app import services
from issues_app.errors import IssueError
from issues_app.models import (
    ActionState,
    Grade,
    Meeting,
    MeetingKind,
    MeetingState,
    Problem,
    ProblemState,
)

from .factories import report, running_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(demo):
    return report(demo, running_request(demo))


def test_problem_state_cannot_be_written_directly(problem):
    with pytest.raises(AttributeError):
        problem.state = ProblemState.CLOSED


def test_meeting_state_cannot_be_written_directly(demo):
    meeting = services.schedule_meeting(
        by=demo["secretary"],
        title="M",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=30,
        place="R",
        chair=demo["secretary"],
        attendees=[],
    )
    with pytest.raises(AttributeError):
        meeting.state = MeetingState.PUBLISHED


@pytest.mark.parametrize(
    "method, allowed_from",
    [
        ("accept_grade", {ProblemState.REPORTED}),
        ("resolve", {ProblemState.OPEN}),
        ("confirm", {ProblemState.RESOLVED}),
        ("reopen", {ProblemState.RESOLVED}),
        ("dismiss", {ProblemState.REPORTED, ProblemState.OPEN}),
    ],
)
def test_problem_transitions_only_from_allowed_states(method, allowed_from):
    for state in ProblemState.values:
        problem = Problem(state=state)
        transition = getattr(problem, method)
        if state in allowed_from:
            transition()
        else:
            with pytest.raises(TransitionNotAllowed):
                transition()


def test_problem_lifecycle_targets():
    problem = Problem()
    assert problem.state == ProblemState.REPORTED
    problem.accept_grade()
    assert problem.state == ProblemState.OPEN
    problem.resolve()
    assert problem.state == ProblemState.RESOLVED
    problem.reopen()
    assert problem.state == ProblemState.OPEN
    problem.resolve()
    problem.confirm()
    assert problem.state == ProblemState.CLOSED


def test_meeting_transitions():
    for method, target in (("publish", MeetingState.PUBLISHED), ("cancel", MeetingState.CANCELLED)):
        meeting = Meeting()
        getattr(meeting, method)()
        assert meeting.state == target
        with pytest.raises(TransitionNotAllowed):
            meeting.publish()
        with pytest.raises(TransitionNotAllowed):
            meeting.cancel()


def test_action_item_transitions():
    from issues_app.models import ActionItem

    action = ActionItem()
    action.complete()
    assert action.state == ActionState.DONE
    with pytest.raises(TransitionNotAllowed):
        action.cancel()


def test_concurrent_resolution_second_click_explained(demo, problem):
    """Two people open the same page; the second click arrives with a stale copy."""
    services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    stale_copy = Problem.objects.get(pk=problem.pk)
    services.resolve_problem(problem=stale_copy, by=demo["mt_head"], resolution="Fixed.")
    with pytest.raises(IssueError) as error:
        services.resolve_problem(problem=stale_copy, by=demo["secretary"], resolution="Mine.")
    message = str(error.value)
    assert demo["mt_head"].name in message
    stale_copy.refresh_from_db()
    assert stale_copy.resolution == "Fixed."


def test_stale_copy_of_state_does_not_overwrite(demo, problem):
    """A save with an out-of-date state is refused by the concurrent-transition guard."""
    from django_fsm import ConcurrentTransition

    a = Problem.objects.get(pk=problem.pk)
    b = Problem.objects.get(pk=problem.pk)
    a.accept_grade()
    a.save()
    b.dismiss()
    with pytest.raises(ConcurrentTransition):
        b.save()
