"""Approval step due times (DOMAIN §8: each approval step has a due time, default 1
working day): set when the step starts, cleared when the request leaves it, reminded
and escalated through the reminder engine, shown in My work and the progress ledger,
and a delay of more than 24 h explained by the holder."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from collab.core.inbox import inbox_for
from collab.notify import lateness
from collab.notify import reminders as engine
from collab.notify.models import LateReason, Reminder
from collab.workdays import calendar
from requests_app import services, steps
from requests_app.models import ApprovalRules, Request, RequestDepartment, State

from .factories import make_request

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


# Monday 2026-11-16 10:00 in Shanghai; office 09:00–18:00, no holidays that week.
MONDAY = at("2026-11-16 10:00")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    def _run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return engine.sweep(now=now)

    return _run


def submitted(demo, *, now=MONDAY, **kwargs):
    request = make_request(demo, stage="draft", **kwargs)
    services.submit_request(request=request, by=demo["mt_staff"], now=now)
    request.refresh_from_db()
    return request


def open_rows(kind, target_id):
    return Reminder.objects.filter(
        kind=kind, target_id=target_id, sent_at__isnull=True, cancelled_at__isnull=True
    )


def stages(kind, target_id):
    return {
        (r.stage, r.recipient.username if r.recipient else None): r.fire_at
        for r in open_rows(kind, target_id).select_related("recipient")
    }


def test_submit_sets_head_review_due_one_working_day_later_and_arms_reminders(demo):
    request = submitted(demo)
    due = at("2026-11-17 10:00")
    assert request.state == State.HEAD_REVIEW and request.step_due_at == due
    assert stages(steps.STEP, request.pk) == {
        ("before", "mt_head"): at("2026-11-17 09:00"),
        ("due", "mt_head"): due,
        ("escalate", "leader1"): due,
        ("escalate", None): due,
        ("explain", "mt_head"): at("2026-11-18 10:00"),
    }
    assert set(open_rows(steps.STEP, request.pk).values_list("due_at", flat=True)) == {due}


def test_head_approval_moves_due_to_leader_review(demo):
    request = submitted(demo)
    services.approve_request(request=request, by=demo["mt_head"], now=at("2026-11-16 15:00"))
    request.refresh_from_db()
    assert request.state == State.LEADER_REVIEW
    assert request.step_due_at == at("2026-11-17 15:00")
    holders = {
        r.recipient.username
        for r in open_rows(steps.STEP, request.pk).filter(stage="due").select_related("recipient")
    }
    assert holders == {"leader1"}
    # The head's reminders of level 1 are cancelled.
    assert not open_rows(steps.STEP, request.pk).filter(recipient=demo["mt_head"]).exists()


def test_leaving_the_steps_clears_due_and_cancels_reminders(demo):
    request = submitted(demo)
    services.approve_request(request=request, by=demo["mt_head"], now=at("2026-11-16 15:00"))
    services.approve_request(request=request, by=demo["leader1"], now=at("2026-11-16 16:00"))
    request.refresh_from_db()
    assert request.state == State.AWAITING_CONFIRMATION and request.step_due_at is None
    assert not open_rows(steps.STEP, request.pk).exists()


def test_return_clears_due_and_resubmit_sets_it_again(demo):
    request = submitted(demo)
    services.return_request(request=request, by=demo["mt_head"], comment="Say more.")
    request.refresh_from_db()
    assert request.state == State.RETURNED and request.step_due_at is None
    # Returned days after the due time (the test clock is real here): only the
    # request for an explanation stays.
    assert set(open_rows(steps.STEP, request.pk).values_list("stage", flat=True)) <= {"explain"}
    services.submit_request(request=request, by=demo["mt_staff"], now=at("2026-11-18 11:00"))
    request.refresh_from_db()
    assert request.step_due_at == at("2026-11-19 11:00")
    assert open_rows(steps.STEP, request.pk).filter(stage="due").count() == 1


def test_admin_configured_two_days_changes_the_due(demo):
    rules = ApprovalRules.current()
    rules.head_review_days = 2
    rules.save()
    request = submitted(demo)
    assert request.step_due_at == at("2026-11-18 10:00")


def test_escalation_after_the_deadline_tells_the_leader(demo, run_sweep):
    request = submitted(demo)
    run_sweep(at("2026-11-17 10:05"))
    escalation = Reminder.objects.get(
        kind=steps.STEP, target_id=request.pk, stage="escalate", recipient=demo["leader1"]
    )
    assert escalation.sent_at is not None
    # leader1 reads Chinese: the level-1 review (初审) is named in their language.
    assert "初审" in escalation.notification.body
    assert "已逾期" in escalation.notification.body


def test_my_work_shows_review_with_its_due(demo):
    request = submitted(demo)
    items = [i for i in inbox_for(demo["mt_head"]) if i.url.endswith(f"/{request.pk}/")]
    assert len(items) == 1 and items[0].due == at("2026-11-17 10:00")


def test_confidential_request_reminds_only_people_who_may_see_it(demo):
    request = submitted(demo, confidentiality="confidential")
    request.refresh_from_db()
    services.approve_request(request=request, by=demo["mt_head"], now=at("2026-11-16 15:00"))
    people = set(
        open_rows(steps.STEP, request.pk)
        .exclude(recipient=None)
        .values_list("recipient__username", flat=True)
    )
    # The group leaders and secretaries are not named on it: nobody beyond the leader.
    assert people == {"leader1"}


def test_explain_fires_only_after_24h_and_once_then_shows_in_ledger(demo, run_sweep, client):
    request = submitted(demo)
    run_sweep(at("2026-11-17 10:05"))
    run_sweep(at("2026-11-18 09:55"))
    assert not LateReason.objects.exists()
    run_sweep(at("2026-11-18 10:00"))
    run_sweep(at("2026-11-18 10:10"))
    reason = LateReason.objects.get()
    assert reason.person == demo["mt_head"] and reason.ref == f"request:{request.pk}"
    assert reason.due_at == at("2026-11-17 10:00")

    lateness.give_reason(reason=reason, by=demo["mt_head"], text="Away at the trade fair.")
    client.force_login(demo["mt_head"])
    page = client.get(reverse("archive:ledgers"))
    assert "Away at the trade fair." in page.content.decode()


def test_review_done_in_time_asks_no_reason(demo, run_sweep):
    request = submitted(demo)
    services.approve_request(request=request, by=demo["mt_head"], now=at("2026-11-17 11:00"))
    run_sweep(at("2026-11-18 10:30"))
    assert not LateReason.objects.filter(kind=steps.STEP, target_id=request.pk).exists()


def test_start_sets_breakdown_due_and_first_task_stops_it(demo):
    from tests.tasks_app.factories import confirmed_request, make_task

    request = confirmed_request(demo)
    rds = list(RequestDepartment.objects.filter(request=request))
    assert rds and all(rd.breakdown_due is not None for rd in rds)
    te = next(rd for rd in rds if rd.department.code == "TE")
    assert open_rows(steps.BREAKDOWN, te.pk).filter(recipient=demo["te_head"]).exists()
    make_task(demo, request)
    te.refresh_from_db()
    assert te.breakdown_due is None
    assert not open_rows(steps.BREAKDOWN, te.pk).exists()


def test_request_serializer_exposes_step_due(demo):
    from collab.api.v1.request_serializers import RequestListSerializer

    request = submitted(demo)
    data = RequestListSerializer(Request.objects.get(pk=request.pk)).data
    assert data["step_due_at"] is not None
    assert "step_due_at" in RequestListSerializer.Meta.read_only_fields
