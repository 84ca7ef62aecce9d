"""Problem use cases through the real services: report, grade, respond, resolve,
confirm, reopen, close, referral and ruling, owner of a major problem."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collab.notify.models import Notification, Reminder
from collab.org.models import Department
from issues_app import services
from issues_app.errors import IssueError
from issues_app.models import EntryKind, Grade, ProblemEvent, ProblemState, events
from issues_app.reminders import LIMIT_KIND, RESPONSE_KIND
from requests_app import services as request_services

from .factories import make_task, report, running_request

pytestmark = pytest.mark.django_db


def grade(demo, problem, value=Grade.GENERAL, **kwargs):
    return services.grade_problem(problem=problem, by=demo["secretary"], grade=value, **kwargs)


def test_report_problem_numbers_per_request_and_schedules_response(demo):
    request = running_request(demo)
    first = report(demo, request)
    second = report(demo, request, title="Budget unclear")
    assert first.number == f"{request.number}-Q01"
    assert second.number == f"{request.number}-Q02"
    assert first.state == ProblemState.REPORTED
    assert first.reporting_department.code == "TE"
    assert [pd.department.code for pd in first.departments.all()] == ["PD"]
    assert first.response_due > first.reported_at
    assert ProblemEvent.objects.filter(problem=first, verb=events.PROBLEM_REPORTED).exists()
    recipients = set(
        Reminder.objects.filter(kind=RESPONSE_KIND, target_id=first.pk, stage="due").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"pd_head", "pd_liaison"}


def test_report_problem_notifies_secretary_and_departments(
    demo, django_capture_on_commit_callbacks
):
    request = running_request(demo)
    with django_capture_on_commit_callbacks(execute=True):
        problem = report(demo, request)
    told = set(
        Notification.objects.filter(event=events.PROBLEM_REPORTED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"secretary", "pd_head", "pd_liaison"}
    assert (
        problem.number in Notification.objects.filter(recipient=demo["secretary"]).first().subject
    )


def test_report_problem_on_task_records_task(demo):
    request = running_request(demo)
    task = make_task(demo, request)
    problem = report(demo, request, task=task)
    assert problem.task == task
    assert problem.status == "pending"


def test_report_problem_task_of_other_request_refused(demo):
    request = running_request(demo)
    other = running_request(demo, title="Other")
    task = make_task(demo, other)
    with pytest.raises(IssueError) as error:
        report(demo, request, task=task)
    assert error.value.field == "task"


def test_report_problem_without_departments_refused(demo):
    request = running_request(demo)
    with pytest.raises(IssueError) as error:
        report(demo, request, concerned=())
    assert error.value.field == "departments"


def test_report_problem_on_draft_refused(demo):
    from tests.requests_app.factories import make_request

    draft = make_request(demo, stage="draft")
    with pytest.raises(IssueError):
        report(demo, draft, by="mt_staff")


def test_report_problem_by_outsider_refused(demo):
    request = running_request(demo)
    with pytest.raises(IssueError):
        report(demo, request, by="fi_staff")


def test_report_problem_rejects_bad_attachment(demo):
    request = running_request(demo)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(IssueError) as error:
        report(demo, request, files=[bad])
    assert error.value.field == "attachments"


def test_confidential_problem_asks_requesting_side_to_share_with_secretary(
    demo, django_capture_on_commit_callbacks
):
    request = running_request(demo, confidential=True)
    with django_capture_on_commit_callbacks(execute=True):
        report(demo, request, by="te_liaison")
    # The secretary cannot see the request, so is not told its title.
    assert not Notification.objects.filter(recipient=demo["secretary"]).exists()
    asked = set(
        Notification.objects.filter(event="issues.problem.needs_secretary").values_list(
            "recipient__username", flat=True
        )
    )
    assert asked == {"mt_staff", "mt_head"}


def test_grade_sets_owner_and_limit_per_grade(demo):
    request = running_request(demo)
    general = grade(demo, report(demo, request), Grade.GENERAL)
    important = grade(demo, report(demo, request), Grade.IMPORTANT)
    major = grade(demo, report(demo, request), Grade.MAJOR)
    assert general.owner == demo["mt_head"]  # the lead (requesting) department's head
    assert important.owner == demo["secretary"]
    assert major.owner == demo["leader1"]  # the coordination group leader
    assert general.due_at < important.due_at
    assert major.due_at is None
    assert Reminder.objects.filter(kind=LIMIT_KIND, target_id=general.pk).exists()


def test_grade_major_goes_to_person_named_by_admin(demo):
    from issues_app.models import IssueSettings

    IssueSettings(major_problem_handler=demo["leader2"]).save()
    request = running_request(demo)
    major = grade(demo, report(demo, request), Grade.MAJOR)
    assert major.owner == demo["leader2"]


def test_grade_twice_is_explained(demo):
    request = running_request(demo)
    problem = report(demo, request)
    grade(demo, problem)
    with pytest.raises(IssueError) as error:
        grade(demo, problem, Grade.MAJOR)
    assert "秦秘书" in str(error.value) or "secretary" in str(error.value).lower()


def test_grade_by_non_secretary_denied(demo):
    request = running_request(demo)
    problem = report(demo, request)
    with pytest.raises(IssueError):
        services.grade_problem(problem=problem, by=demo["mt_head"], grade=Grade.GENERAL)


def test_respond_records_entry_and_cancels_reminders_when_all_answered(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request, concerned=("PD", "TE")))
    pd = Department.objects.get(code="PD")
    te = Department.objects.get(code="TE")
    services.respond(problem=problem, department=pd, by=demo["pd_liaison"], text="Designs Friday.")
    open_limit = Reminder.objects.filter(
        kind=LIMIT_KIND, target_id=problem.pk, cancelled_at__isnull=True
    )
    assert open_limit.exists()
    services.respond(problem=problem, department=te, by=demo["te_head"], text="OK with Friday.")
    assert not open_limit.exists()
    assert problem.entries.filter(kind=EntryKind.RESPONSE).count() == 2
    assert not problem.departments.filter(responded_at__isnull=True).exists()


def test_respond_for_other_department_denied(demo):
    request = running_request(demo)
    problem = report(demo, request)
    pd = Department.objects.get(code="PD")
    with pytest.raises(IssueError):
        services.respond(problem=problem, department=pd, by=demo["te_head"], text="Not mine.")


def test_respond_empty_text_refused(demo):
    request = running_request(demo)
    problem = report(demo, request)
    pd = Department.objects.get(code="PD")
    with pytest.raises(IssueError) as error:
        services.respond(problem=problem, department=pd, by=demo["pd_head"], text="  ")
    assert error.value.field == "text"


def test_resolve_confirm_closes_problem(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request))
    services.resolve_problem(problem=problem, by=demo["mt_head"], resolution="Designs sent.")
    problem.refresh_from_db()
    assert problem.state == ProblemState.RESOLVED
    assert problem.status == "resolved"
    services.confirm_problem(problem=problem, by=demo["te_staff"])
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert problem.closed_by == demo["te_staff"]
    assert problem.resolution == "Designs sent."


def test_reopen_returns_problem_to_owner_with_new_limit(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request), Grade.IMPORTANT)
    services.resolve_problem(problem=problem, by=demo["secretary"], resolution="Done.")
    later = timezone.now()
    services.reopen_problem(
        problem=problem, by=demo["te_staff"], reason="Still blocked.", now=later
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    assert problem.resolution == ""
    assert problem.due_at > later
    event = ProblemEvent.objects.get(problem=problem, verb=events.PROBLEM_REOPENED)
    assert event.data["previous_resolution"] == "Done."


def test_confirm_by_someone_else_denied(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request))
    services.resolve_problem(problem=problem, by=demo["mt_head"], resolution="Done.")
    with pytest.raises(IssueError):
        services.confirm_problem(problem=problem, by=demo["mt_head"])


def test_resolve_by_non_owner_denied(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request))
    with pytest.raises(IssueError):
        services.resolve_problem(problem=problem, by=demo["pd_head"], resolution="Mine.")


def test_dismiss_keeps_reason_as_resolution(demo):
    request = running_request(demo)
    problem = report(demo, request)
    services.dismiss_problem(problem=problem, by=demo["secretary"], reason="Duplicate of Q01.")
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert problem.resolution == "Duplicate of Q01."
    assert not Reminder.objects.filter(
        target_id=problem.pk, kind=RESPONSE_KIND, cancelled_at__isnull=True, sent_at__isnull=True
    ).exists()


def test_referral_and_ruling_are_recorded(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request))
    services.refer_to_leader(problem=problem, by=demo["pd_head"], reason="TE and PD disagree.")
    problem.refresh_from_db()
    assert problem.referred_to == demo["leader1"]  # division leader of the requesting MT
    with pytest.raises(IssueError):
        services.record_ruling(problem=problem, by=demo["leader2"], ruling="No.")
    services.record_ruling(problem=problem, by=demo["leader1"], ruling="PD delivers by Friday.")
    problem.refresh_from_db()
    assert problem.ruling == "PD delivers by Friday."
    assert problem.entries.filter(kind=EntryKind.DECISION).exists()
    with pytest.raises(IssueError):
        services.record_ruling(problem=problem, by=demo["leader1"], ruling="Again.")


def test_set_owner_of_major_problem_by_group_leader(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request), Grade.MAJOR)
    due = timezone.now() + timezone.timedelta(days=5)
    with pytest.raises(IssueError):
        services.set_owner(problem=problem, by=demo["secretary"], owner=demo["pd_head"], due_at=due)
    services.set_owner(problem=problem, by=demo["leader1"], owner=demo["pd_head"], due_at=due)
    problem.refresh_from_db()
    assert problem.owner == demo["pd_head"]
    assert problem.due_at == due
    # The new owner may now record the resolution.
    services.resolve_problem(problem=problem, by=demo["pd_head"], resolution="Plan changed.")


def test_set_owner_deadline_in_past_refused(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request), Grade.MAJOR)
    with pytest.raises(IssueError) as error:
        services.set_owner(
            problem=problem,
            by=demo["leader1"],
            owner=demo["pd_head"],
            due_at=timezone.now() - timezone.timedelta(hours=1),
        )
    assert error.value.field == "due_at"


def test_add_entry_proposal_by_department_concerned(demo):
    request = running_request(demo)
    problem = grade(demo, report(demo, request))
    services.add_entry(
        problem=problem, by=demo["pd_liaison"], kind=EntryKind.PROPOSAL, text="Split"
    )
    assert problem.entries.get().kind == EntryKind.PROPOSAL
    with pytest.raises(IssueError):
        services.add_entry(problem=problem, by=demo["fi_head"], kind=EntryKind.DECISION, text="x")


def test_secretary_sees_confidential_problem_once_granted(demo):
    from issues_app.selectors import visible_problems

    request = running_request(demo, confidential=True)
    problem = report(demo, request, by="te_liaison")
    assert not visible_problems(demo["secretary"]).filter(pk=problem.pk).exists()
    request_services.grant_access(request=request, by=demo["mt_staff"], user=demo["secretary"])
    assert visible_problems(demo["secretary"]).filter(pk=problem.pk).exists()
    grade(demo, problem, Grade.IMPORTANT)
