"""Meetings through the real services: scheduling, proposed agenda, minutes,
publishing with tracked action items, sign-off, cancelling, weekly planning."""

import datetime

import pytest
from django.utils import timezone

from collab.notify.models import Notification
from issues_app import services
from issues_app.errors import IssueError
from issues_app.models import (
    ActionState,
    EntryKind,
    Grade,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingState,
    events,
)
from issues_app.services.meetings import minutes_due_for
from issues_app.work import work_items

from .factories import at, report, running_request

pytestmark = pytest.mark.django_db


def schedule(demo, *, kind=MeetingKind.COORDINATION, starts_at=None, **kwargs):
    values = {
        "by": demo["secretary"],
        "title": "Design hand-off",
        "kind": kind,
        "starts_at": starts_at or timezone.now() + datetime.timedelta(days=1),
        "duration_minutes": 60,
        "place": "Room 3",
        "chair": demo["secretary"],
        "attendees": [demo["te_liaison"], demo["pd_liaison"]],
    }
    values.update(kwargs)
    return services.schedule_meeting(**values)


def test_minutes_due_one_working_day_or_24_hours():
    friday_end = at("2026-11-20 15:00")
    assert minutes_due_for(MeetingKind.WEEKLY, friday_end) == at("2026-11-23 15:00")
    assert minutes_due_for(MeetingKind.COORDINATION, friday_end) == at("2026-11-21 15:00")


def test_schedule_meeting_invites_and_puts_problem_on_agenda(
    demo, django_capture_on_commit_callbacks
):
    request = running_request(demo)
    problem = report(demo, request)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(demo, problems=[problem])
    assert meeting.state == MeetingState.SCHEDULED
    assert {a.user.username for a in meeting.attendees.all()} == {
        "secretary",
        "te_liaison",
        "pd_liaison",
    }
    assert meeting.agenda.get().problem == problem
    assert problem.events.filter(verb=events.PROBLEM_ON_AGENDA).exists()
    invited = Notification.objects.filter(event=events.MEETING_SCHEDULED)
    assert invited.count() == 3


def test_schedule_by_non_secretary_denied(demo):
    with pytest.raises(IssueError):
        schedule(demo, by=demo["mt_head"])


def test_weekly_meeting_longer_than_90_minutes_refused(demo):
    with pytest.raises(IssueError) as error:
        schedule(demo, kind=MeetingKind.WEEKLY, duration_minutes=120)
    assert error.value.field == "duration"


def test_milestone_meeting_needs_request_and_stage(demo):
    with pytest.raises(IssueError) as error:
        schedule(demo, kind=MeetingKind.MILESTONE)
    assert error.value.field == "request"


def test_weekly_meeting_proposes_open_important_problems_and_late_requests(demo):
    request = running_request(demo)
    important = services.grade_problem(
        problem=report(demo, request), by=demo["secretary"], grade=Grade.IMPORTANT
    )
    general = services.grade_problem(
        problem=report(demo, request, title="Minor"), by=demo["secretary"], grade=Grade.GENERAL
    )
    meeting = schedule(demo, kind=MeetingKind.WEEKLY, duration_minutes=90)
    on_agenda = {i.problem_id for i in meeting.agenda.all() if i.problem_id}
    assert important.pk in on_agenda
    assert general.pk not in on_agenda
    assert all(i.proposed for i in meeting.agenda.all())


def test_weekly_series_plans_next_occurrence_once(demo):
    first = at("2026-11-20 14:00")  # Friday
    meeting = schedule(
        demo,
        kind=MeetingKind.WEEKLY,
        starts_at=first,
        duration_minutes=90,
        repeat_weekly=True,
        now=at("2026-11-16 09:00"),
    )
    series = meeting.series
    assert series.weekday == 4
    assert services.plan_weekly_meetings(now=at("2026-11-21 09:00")) == 1
    assert services.plan_weekly_meetings(now=at("2026-11-21 09:00")) == 0
    assert Meeting.objects.filter(series=series, starts_at=at("2026-11-27 14:00")).exists()
    assert MeetingSeries.objects.count() == 1


def publish_with_action(demo, meeting, problem, owner="pd_head"):
    deadline = timezone.localdate() + datetime.timedelta(days=3)
    services.save_minutes(
        meeting=meeting,
        by=demo["secretary"],
        summary="Agreed a hand-off date.",
        present_ids=[demo["te_liaison"].pk, demo["secretary"].pk],
        decisions={meeting.agenda.get().pk: "PD sends the final designs by Wednesday."},
        actions=[
            {
                "id": None,
                "title": "Send final designs",
                "owner": demo[owner],
                "deadline": deadline,
                "problem": problem,
                "request": None,
            }
        ],
    )
    return services.publish_minutes(meeting=meeting, by=demo["secretary"])


def test_publish_minutes_tracks_action_items_and_records_decision(
    demo, django_capture_on_commit_callbacks
):
    request = running_request(demo)
    problem = report(demo, request)
    meeting = schedule(
        demo, problems=[problem], starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    # Saved but unpublished minutes do not reach My work yet.
    services.save_minutes(
        meeting=meeting,
        by=demo["secretary"],
        summary="",
        present_ids=[],
        decisions={},
        actions=[
            {
                "id": None,
                "title": "Draft",
                "owner": demo["pd_head"],
                "deadline": timezone.localdate(),
                "problem": None,
                "request": None,
            }
        ],
    )
    assert not [i for i in work_items(demo["pd_head"]) if i.title == "Draft"]
    draft = meeting.actions.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_minutes(
            meeting=meeting,
            by=demo["secretary"],
            summary="Agreed a hand-off date.",
            present_ids=[demo["te_liaison"].pk],
            decisions={meeting.agenda.get().pk: "PD sends the designs by Wednesday."},
            actions=[
                {"id": draft.pk, "remove": True, "title": "", "owner": None, "deadline": None},
                {
                    "id": None,
                    "title": "Send final designs",
                    "owner": demo["pd_head"],
                    "deadline": timezone.localdate() + datetime.timedelta(days=2),
                    "problem": problem,
                    "request": None,
                },
            ],
        )
        meeting = services.publish_minutes(meeting=meeting, by=demo["secretary"])
    assert meeting.state == MeetingState.PUBLISHED
    draft.refresh_from_db()
    assert draft.state == ActionState.CANCELLED  # removed, not deleted
    action = meeting.actions.get(state=ActionState.OPEN)
    assert action.request == request
    items = [i for i in work_items(demo["pd_head"]) if i.title == "Send final designs"]
    assert len(items) == 1
    assert problem.entries.filter(kind=EntryKind.DECISION).exists()
    assert Notification.objects.filter(
        recipient=demo["te_liaison"], event=events.MEETING_PUBLISHED
    ).exists()
    assert Notification.objects.filter(
        recipient=demo["pd_head"], event="issues.action.assigned"
    ).exists()

    services.complete_action(action=action, by=demo["pd_head"], note="Sent.")
    action.refresh_from_db()
    assert action.state == ActionState.DONE
    assert not [i for i in work_items(demo["pd_head"]) if i.title == "Send final designs"]
    with pytest.raises(IssueError):
        services.complete_action(action=action, by=demo["pd_head"])


def test_publish_before_meeting_refused(demo):
    meeting = schedule(demo)
    with pytest.raises(IssueError):
        services.publish_minutes(meeting=meeting, by=demo["secretary"])


def test_publish_twice_explained(demo):
    request = running_request(demo)
    problem = report(demo, request)
    meeting = schedule(
        demo, problems=[problem], starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    publish_with_action(demo, meeting, problem)
    with pytest.raises(IssueError) as error:
        services.publish_minutes(meeting=meeting, by=demo["secretary"])
    assert "秦秘书" in str(error.value)


def test_published_minutes_are_read_only(demo):
    request = running_request(demo)
    problem = report(demo, request)
    meeting = schedule(
        demo, problems=[problem], starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    publish_with_action(demo, meeting, problem)
    with pytest.raises(IssueError):
        services.save_minutes(
            meeting=meeting,
            by=demo["secretary"],
            summary="x",
            present_ids=[],
            decisions={},
            actions=[],
        )


def test_minutes_published_late_are_marked(demo):
    request = running_request(demo)
    problem = report(demo, request)
    meeting = schedule(
        demo,
        kind=MeetingKind.SPECIAL,
        problems=[problem],
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    assert meeting.minutes_overdue
    meeting = publish_with_action(demo, meeting, problem)
    assert meeting.minutes_late
    assert meeting.events.get(verb=events.MEETING_PUBLISHED).data["late"] is True


def test_action_item_completed_only_by_owner(demo):
    request = running_request(demo)
    problem = report(demo, request)
    meeting = schedule(
        demo, problems=[problem], starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    publish_with_action(demo, meeting, problem)
    action = meeting.actions.get()
    with pytest.raises(IssueError):
        services.complete_action(action=action, by=demo["te_head"])


def test_milestone_minutes_need_group_leader_signature(demo):
    request = running_request(demo)
    meeting = schedule(
        demo,
        kind=MeetingKind.MILESTONE,
        request=request,
        milestone_stage="kickoff",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        title="Kick-off",
    )
    services.publish_minutes(meeting=meeting, by=demo["secretary"])
    assert [i for i in work_items(demo["leader1"]) if i.title == "Kick-off"]
    with pytest.raises(IssueError):
        services.sign_off(meeting=meeting, by=demo["leader2"])
    services.sign_off(meeting=meeting, by=demo["leader1"])
    meeting.refresh_from_db()
    assert meeting.signed_off_by == demo["leader1"]
    assert not [i for i in work_items(demo["leader1"]) if i.title == "Kick-off"]


def test_cancel_meeting_requires_reason_and_keeps_row(demo):
    meeting = schedule(demo)
    with pytest.raises(IssueError):
        services.cancel_meeting(meeting=meeting, by=demo["secretary"], reason="")
    services.cancel_meeting(meeting=meeting, by=demo["secretary"], reason="Holiday.")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED
    with pytest.raises(IssueError):
        services.publish_minutes(meeting=meeting, by=demo["secretary"])


def test_add_agenda_item_rejects_duplicates_and_invisible(demo):
    request = running_request(demo)
    problem = report(demo, request)
    secret = running_request(demo, confidential=True, title="Secret")
    hidden = report(demo, secret, by="te_liaison")
    meeting = schedule(demo)
    services.add_agenda_item(meeting=meeting, by=demo["secretary"], problem=problem)
    with pytest.raises(IssueError):
        services.add_agenda_item(meeting=meeting, by=demo["secretary"], problem=problem)
    with pytest.raises(IssueError):
        services.add_agenda_item(meeting=meeting, by=demo["secretary"], problem=hidden)
    services.add_agenda_item(meeting=meeting, by=demo["secretary"], title="Next week's plan")
    assert meeting.agenda.count() == 2
