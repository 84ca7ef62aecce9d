from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app import services
from requests_app.errors import RequestError
from requests_app.models import Answer, ApprovalRules, Request, RequestEvent, State
from requests_app.models import events as ev

from .factories import make_request

pytestmark = pytest.mark.django_db


def verbs(request):
    return list(RequestEvent.objects.filter(request=request).values_list("verb", flat=True))


def test_submit_draws_number_with_department_and_month(demo):
    request = make_request(demo, stage="head_review")
    month = timezone.localtime(request.submitted_at).strftime("%Y%m")
    assert request.number == f"MT{month}001"
    second = make_request(demo, stage="head_review")
    assert second.number == f"MT{month}002"
    other = make_request(demo, requester="te_staff", to=("PD",), stage="head_review")
    assert other.number == f"TE{month}001"


def test_number_unchanged_after_return_and_resubmit(demo):
    request = make_request(demo, stage="head_review")
    number = request.number
    services.return_request(request=request, by=demo["mt_head"], comment="More detail")
    services.submit_request(request=request, by=demo["mt_staff"])
    request.refresh_from_db()
    assert request.number == number
    assert request.state == State.HEAD_REVIEW
    assert verbs(request)[-1] == ev.RESUBMITTED


def test_full_front_half_reaches_in_progress(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    assert request.state == State.AWAITING_CONFIRMATION
    assert request.head_signed_by == demo["mt_head"]
    te, pd = (request.departments.get(department__code=c) for c in ("TE", "PD"))
    assert te.contact == demo["te_liaison"]
    assert te.response_due - te.reached_at == timedelta(hours=48)
    services.answer_department(request_department=te, by=demo["te_liaison"], answer="confirmed")
    request.refresh_from_db()
    assert request.state == State.AWAITING_CONFIRMATION
    services.answer_department(request_department=pd, by=demo["pd_head"], answer="confirmed")
    request.refresh_from_db()
    pd.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    assert pd.head_signed_by == demo["pd_head"]
    assert ev.STARTED in verbs(request)


@pytest.mark.parametrize("priority,hours", [("high", 24), ("medium", 48), ("low", 72)])
def test_response_due_follows_priority(demo, priority, hours):
    request = make_request(demo, stage="awaiting_confirmation", priority=priority)
    rd = request.departments.first()
    assert rd.response_due == rd.reached_at + timedelta(hours=hours)


@pytest.mark.parametrize("answer", [Answer.ADJUSTMENT, Answer.DECLINED])
def test_adjustment_or_decline_returns_request_with_reason(demo, answer):
    request = make_request(demo, stage="awaiting_confirmation")
    rd = request.departments.get(department__code="TE")
    services.answer_department(
        request_department=rd, by=demo["te_head"], answer=answer, text="Too early"
    )
    request.refresh_from_db()
    assert request.state == State.RETURNED
    last = RequestEvent.objects.filter(request=request).last()
    assert last.verb == ev.RETURNED_BY_DEPARTMENTS and last.comment == "Too early"


def test_decline_without_reason_is_refused(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    rd = request.departments.get(department__code="TE")
    with pytest.raises(RequestError):
        services.answer_department(request_department=rd, by=demo["te_head"], answer="declined")


def test_resubmission_after_department_return_resets_answers(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    te = request.departments.get(department__code="TE")
    pd = request.departments.get(department__code="PD")
    services.answer_department(request_department=te, by=demo["te_head"], answer="confirmed")
    services.answer_department(
        request_department=pd, by=demo["pd_head"], answer="adjustment", text="Later start"
    )
    request.refresh_from_db()
    services.submit_request(request=request, by=demo["mt_staff"])
    services.approve_request(request=request, by=demo["mt_head"])
    services.approve_request(request=request, by=demo["leader1"])
    assert set(request.departments.values_list("answer", flat=True)) == {Answer.PENDING}


def test_clarification_round_trip_sets_due_and_answer(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    pd = request.departments.get(department__code="PD")
    c = services.ask_clarification(request_department=pd, by=demo["pd_head"], question="Which?")
    assert c.answer_due - c.asked_at == timedelta(hours=24)
    services.answer_clarification(clarification=c, by=demo["mt_staff"], answer="This one")
    c.refresh_from_db()
    assert c.answer == "This one" and c.answered_by == demo["mt_staff"]
    with pytest.raises(RequestError, match="already answered"):
        services.answer_clarification(clarification=c, by=demo["mt_staff"], answer="Again")


def test_second_approval_click_explains_who_approved(demo):
    request = make_request(demo, stage="head_review")
    stale = Request.objects.get(pk=request.pk)
    services.approve_request(request=request, by=demo["mt_head"])
    with pytest.raises(RequestError, match="Already approved by"):
        services.approve_request(request=stale, by=demo["mt_head"])
    assert verbs(request).count(ev.HEAD_APPROVED) == 1


def test_stale_object_with_old_state_cannot_double_transition(demo):
    request = make_request(demo, stage="head_review")
    tab_one = Request.objects.get(pk=request.pk)
    tab_two = Request.objects.get(pk=request.pk)
    services.approve_request(request=tab_one, by=demo["mt_head"])
    with pytest.raises(RequestError):
        services.return_request(request=tab_two, by=demo["mt_head"], comment="No")
    request.refresh_from_db()
    assert request.state == State.LEADER_REVIEW


def test_urgent_skips_leader_review_only_when_rule_enabled(demo):
    urgent = make_request(demo, stage="head_review", type="urgent")
    services.approve_request(request=urgent, by=demo["mt_head"])
    assert urgent.state == State.LEADER_REVIEW
    rules = ApprovalRules.current()
    rules.urgent_skips_leader_review = True
    rules.save()
    urgent2 = make_request(demo, stage="head_review", type="urgent")
    services.approve_request(request=urgent2, by=demo["mt_head"])
    assert urgent2.state == State.AWAITING_CONFIRMATION
    assert urgent2.departments.filter(reached_at__isnull=False).count() == 2


def test_create_refuses_own_department(demo):
    from collab.org.models import Department

    mt = Department.objects.get(code="MT")
    with pytest.raises(RequestError):
        services.create_request(
            by=demo["mt_staff"],
            fields={
                "title": "x",
                "start_date": timezone.localdate(),
                "deadline": timezone.localdate(),
            },
            departments=[(mt, None)],
        )


def test_create_refuses_milestone_outside_period(demo):
    with pytest.raises(RequestError):
        make_request(demo, milestones=[(timezone.localdate() + timedelta(days=90), "late")])


def test_every_change_is_in_history(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    states = list(request.history.order_by("history_date").values_list("state", flat=True))
    assert states[0] == State.DRAFT
    assert State.HEAD_REVIEW in states and State.LEADER_REVIEW in states
    assert states[-1] == State.AWAITING_CONFIRMATION


def test_withdraw_before_work_starts(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    services.withdraw_request(request=request, by=demo["mt_staff"], comment="No longer needed")
    assert request.state == State.WITHDRAWN
    assert verbs(request)[-1] == ev.WITHDRAWN


def test_withdraw_after_work_started_is_refused(demo):
    request = make_request(demo, stage="in_progress")
    with pytest.raises(RequestError):
        services.withdraw_request(request=request, by=demo["mt_staff"])
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS


def test_withdraw_by_someone_else_is_refused(demo):
    request = make_request(demo, stage="head_review")
    with pytest.raises(RequestError):
        services.withdraw_request(request=request, by=demo["mt_head"])


def test_complete_then_archive_for_later_apps(demo):
    request = make_request(demo, stage="in_progress")
    services.complete_request(request=request)
    assert request.state == State.COMPLETED
    services.archive_request(request=request, by=demo["mt_head"])
    assert request.state == State.ARCHIVED
    assert verbs(request)[-2:] == [ev.COMPLETED, ev.ARCHIVED]


def test_cancel_in_progress_by_division_leader_only(demo):
    request = make_request(demo, stage="in_progress")
    with pytest.raises(RequestError):
        services.cancel_request(request=request, by=demo["mt_head"], comment="stop")
    services.cancel_request(request=request, by=demo["leader1"], comment="Priorities changed")
    assert request.state == State.CANCELLED


def test_head_cannot_approve_at_leader_level(demo):
    request = make_request(demo, stage="leader_review")
    with pytest.raises(RequestError):
        services.approve_request(request=request, by=demo["mt_head"])
    request.refresh_from_db()
    assert request.state == State.LEADER_REVIEW


def test_other_department_head_cannot_approve(demo):
    request = make_request(demo, stage="head_review")
    with pytest.raises(RequestError, match="not allowed"):
        services.approve_request(request=request, by=demo["te_head"])


def test_staff_of_addressed_department_cannot_answer(demo):
    request = make_request(demo, stage="awaiting_confirmation")
    rd = request.departments.get(department__code="TE")
    with pytest.raises(RequestError, match="not allowed"):
        services.answer_department(request_department=rd, by=demo["te_staff"], answer="confirmed")


def test_notifications_reach_head_on_submit(demo, django_capture_on_commit_callbacks):
    from collab.notify.models import Notification

    request = make_request(demo)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_request(request=request, by=demo["mt_staff"])
    notes = Notification.objects.filter(recipient=demo["mt_head"])
    assert notes.count() == 1
    assert request.number in notes.get().subject


def test_second_level_two_click_names_the_leader_not_the_system(demo):
    request = make_request(demo, stage="leader_review")
    stale = Request.objects.get(pk=request.pk)
    services.approve_request(request=request, by=demo["leader1"])
    with pytest.raises(RequestError) as refused:
        services.approve_request(request=stale, by=demo["leader1"])
    message = str(refused.value)
    assert message.startswith(f"Already approved by {demo['leader1'].name} at ")
    assert "the system" not in message
    assert verbs(request).count(ev.LEADER_APPROVED) == 1
