"""The escalation chain with a frozen clock: a problem not answered in time moves up
one grade (general → important → major) and the new owner is told; repeating the
sweep changes nothing."""

import pytest

from collab.notify import reminders
from collab.notify.models import Notification, Reminder
from collab.org.models import Department
from issues_app import services
from issues_app.errors import IssueError
from issues_app.models import Grade, ProblemEvent, events
from issues_app.reminders import LIMIT_KIND

from .factories import at, report, running_request

pytestmark = pytest.mark.django_db

# Monday 2026-11-16 10:00 in Shanghai; office 09:00–18:00, no holidays that week.
REPORTED = at("2026-11-16 10:00")
GRADED = at("2026-11-16 10:30")


def general_problem(demo):
    request = running_request(demo)
    problem = report(demo, request, now=REPORTED)
    return services.grade_problem(
        problem=problem, by=demo["secretary"], grade=Grade.GENERAL, now=GRADED
    )


def test_limits_use_working_days(demo):
    problem = general_problem(demo)
    assert problem.response_due == at("2026-11-18 10:00")  # 2 working days after the report
    assert problem.due_at == at("2026-11-17 10:30")  # general: 1 working day after grading


def test_limit_over_weekend_counts_working_days_only(demo):
    request = running_request(demo)
    problem = report(demo, request, now=at("2026-11-20 15:00"))  # Friday
    assert problem.response_due == at("2026-11-24 15:00")  # Tuesday
    problem = services.grade_problem(
        problem=problem, by=demo["secretary"], grade=Grade.IMPORTANT, now=at("2026-11-20 16:00")
    )
    assert problem.due_at == at("2026-11-25 16:00")  # three working days: Wednesday


def test_escalation_chain_general_important_major(demo, django_capture_on_commit_callbacks):
    problem = general_problem(demo)

    # Before the limit nothing moves.
    assert services.escalate_overdue_problems(now=at("2026-11-17 10:29")) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_problems(now=at("2026-11-17 11:00")) == 1
    problem.refresh_from_db()
    assert problem.grade == Grade.IMPORTANT
    assert problem.owner == demo["secretary"]
    assert problem.due_at == at("2026-11-20 11:00")  # solution within 3 working days
    told = Notification.objects.filter(recipient=demo["secretary"], event=events.PROBLEM_ESCALATED)
    assert told.count() == 1

    # Idempotent: the same sweep again, or a little later, changes nothing.
    assert services.escalate_overdue_problems(now=at("2026-11-17 11:00")) == 0
    assert services.escalate_overdue_problems(now=at("2026-11-19 17:00")) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_problems(now=at("2026-11-20 11:00")) == 1
    problem.refresh_from_db()
    assert problem.grade == Grade.MAJOR
    assert problem.owner == demo["leader1"]
    assert problem.due_at is None
    assert Notification.objects.filter(
        recipient=demo["leader1"], event=events.PROBLEM_ESCALATED
    ).exists()

    # Major is the top: nothing further, whatever the clock says.
    assert services.escalate_overdue_problems(now=at("2026-12-31 12:00")) == 0
    chain = list(
        ProblemEvent.objects.filter(problem=problem, verb=events.PROBLEM_ESCALATED)
        .order_by("at")
        .values_list("data", flat=True)
    )
    assert [(d["from"], d["to"], d["automatic"]) for d in chain] == [
        ("general", "important", True),
        ("important", "major", True),
    ]


def test_general_answered_in_time_does_not_escalate(demo):
    problem = general_problem(demo)
    services.respond(
        problem=problem,
        department=Department.objects.get(code="PD"),
        by=demo["pd_liaison"],
        text="Designs tomorrow.",
        now=at("2026-11-17 09:30"),
    )
    assert services.escalate_overdue_problems(now=at("2026-11-17 11:00")) == 0
    problem.refresh_from_db()
    assert problem.grade == Grade.GENERAL
    assert not problem.overdue


def test_important_resolved_in_time_does_not_escalate(demo):
    request = running_request(demo)
    problem = services.grade_problem(
        problem=report(demo, request, now=REPORTED),
        by=demo["secretary"],
        grade=Grade.IMPORTANT,
        now=GRADED,
    )
    services.resolve_problem(
        problem=problem, by=demo["secretary"], resolution="Agreed.", now=at("2026-11-18 10:00")
    )
    assert services.escalate_overdue_problems(now=at("2026-11-30 10:00")) == 0


def test_escalate_if_overdue_twice_escalates_once(demo):
    problem = general_problem(demo)
    now = at("2026-11-17 12:00")
    assert services.escalate_if_overdue(problem_id=problem.pk, now=now) is True
    assert services.escalate_if_overdue(problem_id=problem.pk, now=now) is False
    problem.refresh_from_db()
    assert problem.grade == Grade.IMPORTANT


def test_reminder_engine_escalation_action_raises_grade(demo, django_capture_on_commit_callbacks):
    """The limit's escalation row in the reminder engine calls our service."""
    problem = general_problem(demo)
    action = Reminder.objects.get(
        kind=LIMIT_KIND, target_id=problem.pk, stage="escalate", recipient__isnull=True
    )
    assert action.fire_at == at("2026-11-17 10:30")
    # The real clock is past this week, so the handler's own "now" finds it overdue.
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep(now=at("2026-11-17 10:31"))
    problem.refresh_from_db()
    assert problem.grade == Grade.IMPORTANT
    # The limit is re-armed for the new grade; the old action stays recorded as sent.
    action.refresh_from_db()
    assert action.due_at == problem.due_at


def test_manual_escalation_by_head_with_reason(demo):
    problem = general_problem(demo)
    with pytest.raises(IssueError) as error:
        services.escalate_problem(problem=problem, by=demo["pd_head"], reason=" ")
    assert error.value.field == "comment"
    with pytest.raises(IssueError):
        services.escalate_problem(problem=problem, by=demo["pd_staff"], reason="Too slow.")
    services.escalate_problem(problem=problem, by=demo["pd_head"], reason="Blocks release.")
    problem.refresh_from_db()
    assert problem.grade == Grade.IMPORTANT
    event = ProblemEvent.objects.get(problem=problem, verb=events.PROBLEM_ESCALATED)
    assert event.actor == demo["pd_head"]
    assert event.data["automatic"] is False
    assert event.comment == "Blocks release."


def test_manual_escalation_of_major_is_refused(demo):
    problem = general_problem(demo)
    services.escalate_problem(problem=problem, by=demo["pd_head"], reason="One.")
    services.escalate_problem(problem=problem, by=demo["pd_head"], reason="Two.")
    with pytest.raises(IssueError):
        services.escalate_problem(problem=problem, by=demo["pd_head"], reason="Three.")


def test_escalation_into_a_provisional_year_gets_a_provisional_limit(demo):
    from collab.workdays import calendar
    from collab.workdays.models import CalendarYear

    assert not CalendarYear.objects.filter(year=2027).exists()
    request = running_request(demo)
    crossing = services.grade_problem(
        problem=report(demo, request, now=at("2026-12-28 10:00")),
        by=demo["secretary"],
        grade=Grade.GENERAL,
        now=at("2026-12-28 10:00"),
    )
    topping = services.grade_problem(
        problem=report(demo, request, now=REPORTED),
        by=demo["secretary"],
        grade=Grade.IMPORTANT,
        now=GRADED,
    )
    # crossing → important is due in 2027, whose holidays are not confirmed yet: the
    # limit is computed on the provisional calendar instead of being refused.
    assert services.escalate_overdue_problems(now=at("2026-12-29 11:00")) == 2
    crossing.refresh_from_db()
    topping.refresh_from_db()
    assert crossing.grade == Grade.IMPORTANT
    assert topping.grade == Grade.MAJOR
    # 3 working days from 29 Dec 11:00: the 30th, the 31st, 1 Jan estimated off, the 4th.
    assert crossing.due_at == at("2027-01-04 11:00")
    assert calendar.is_provisional(crossing.due_at)
