"""Response and clarification deadlines with a frozen clock (DOMAIN §3, §8): reminders
before the deadline and at it, an escalation to the head after it, stopped by the
answer; the sweep sends each once."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collab.notify import reminders as engine
from collab.notify.models import LateReason, Notification, Reminder
from collab.workdays import calendar
from requests_app import reminders, services
from requests_app.models import Answer, Clarification, RequestDepartment, State

from .factories import make_request

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


# Monday 2026-11-16 10:00 in Shanghai; office 09:00–18:00, no holidays that week.
REACHED = at("2026-11-16 10:00")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """A sweep whose after-commit sends run, as in a worker (Celery is eager here)."""

    def _run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return engine.sweep(now=now)

    return _run


def reached(demo, *, priority="medium", now=REACHED, **kwargs):
    """A request the leader approves at `now`: it reaches TE (contact te_staff) and PD."""
    kwargs.setdefault("contacts", {"TE": "te_staff"})
    request = make_request(demo, stage="leader_review", priority=priority, **kwargs)
    services.approve_request(request=request, by=demo["leader1"], now=now)
    request.refresh_from_db()
    return request


def rd_of(request, code) -> RequestDepartment:
    return RequestDepartment.objects.get(request=request, department__code=code)


def stages(kind, target_id):
    return {
        (r.stage, r.recipient.username if r.recipient else None): r.fire_at
        for r in Reminder.objects.filter(kind=kind, target_id=target_id).select_related("recipient")
    }


def open_reminders(kind, target_id):
    return Reminder.objects.filter(
        kind=kind, target_id=target_id, sent_at__isnull=True, cancelled_at__isnull=True
    )


def told(user):
    return list(
        Notification.objects.filter(
            recipient=user, event__in=["notify.reminder", "notify.reminder.digest"]
        )
    )


# --- response deadline ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "before", "due", "urgent"),
    [
        # 24 h; 75 % is 04:00 on Tuesday, kept at night because high priority is urgent.
        ("high", at("2026-11-17 04:00"), at("2026-11-17 10:00"), True),
        # 48 h; 75 % is 22:00 on Tuesday, moved to the office opening on Wednesday.
        ("medium", at("2026-11-18 09:00"), at("2026-11-18 10:00"), False),
        # 72 h; 75 % is 16:00 on Wednesday, in office hours.
        ("low", at("2026-11-18 16:00"), at("2026-11-19 10:00"), False),
    ],
)
def test_reaching_departments_arms_three_stages_per_department(demo, priority, before, due, urgent):
    request = reached(demo, priority=priority)
    te, pd = rd_of(request, "TE"), rd_of(request, "PD")
    assert te.reached_at == REACHED and te.response_due == due
    # More than 24 h late, the holders are asked why (DOMAIN §8); 10:00 is office time.
    explain = due + datetime.timedelta(hours=24)

    assert stages(reminders.RESPONSE, te.pk) == {
        ("before", "te_staff"): before,
        ("before", "te_liaison"): before,
        ("due", "te_staff"): due,
        ("due", "te_liaison"): due,
        ("escalate", "te_head"): due,
        ("escalate", None): due,
        ("explain", "te_staff"): explain,
        ("explain", "te_liaison"): explain,
    }
    # PD named no contact: its liaison is the contact, reminded once.
    assert stages(reminders.RESPONSE, pd.pk) == {
        ("before", "pd_liaison"): before,
        ("due", "pd_liaison"): due,
        ("escalate", "pd_head"): due,
        ("escalate", None): due,
        ("explain", "pd_liaison"): explain,
    }
    armed = Reminder.objects.filter(kind=reminders.RESPONSE)
    assert set(armed.values_list("urgent", flat=True)) == {urgent}
    assert set(armed.values_list("due_at", flat=True)) == {due}


def test_confidential_request_reminds_only_people_named_on_it(demo):
    request = reached(demo, confidentiality="confidential")
    te = rd_of(request, "TE")
    # The TE liaison is not named on it (te_staff is the contact): no reminder.
    assert stages(reminders.RESPONSE, te.pk).keys() == {
        ("before", "te_staff"),
        ("due", "te_staff"),
        ("escalate", "te_head"),
        ("escalate", None),
        ("explain", "te_staff"),
    }


def test_inactive_contact_is_not_reminded(demo):
    demo["te_staff"].is_active = False
    demo["te_staff"].save()
    request = reached(demo)
    recipients = set(
        open_reminders(reminders.RESPONSE, rd_of(request, "TE").pk)
        .exclude(recipient=None)
        .values_list("recipient__username", flat=True)
    )
    assert recipients == {"te_liaison", "te_head"}


def test_department_answer_cancels_its_reminders_only(demo):
    request = reached(demo)
    te, pd = rd_of(request, "TE"), rd_of(request, "PD")
    services.answer_department(
        request_department=te,
        by=demo["te_liaison"],
        answer=Answer.CONFIRMED,
        now=at("2026-11-16 12:00"),
    )
    assert not open_reminders(reminders.RESPONSE, te.pk).exists()
    # before, due, the head's escalation, the action and the explain stage
    assert open_reminders(reminders.RESPONSE, pd.pk).count() == 5


@pytest.mark.parametrize("answer", [Answer.ADJUSTMENT, Answer.DECLINED])
def test_adjustment_or_decline_returns_and_cancels_every_department(demo, answer):
    request = reached(demo)
    services.answer_department(
        request_department=rd_of(request, "PD"),
        by=demo["pd_head"],
        answer=answer,
        text="No.",
        now=at("2026-11-16 12:00"),
    )
    request.refresh_from_db()
    assert request.state == State.RETURNED
    assert not Reminder.objects.filter(
        kind=reminders.RESPONSE, sent_at__isnull=True, cancelled_at__isnull=True
    ).exists()


def test_withdraw_cancels_every_department(demo):
    request = reached(demo)
    services.withdraw_request(request=request, by=demo["mt_staff"], now=at("2026-11-16 12:00"))
    # TE: 2 before, 2 due, head, action, 2 explain; PD: before, due, head, action, explain.
    assert Reminder.objects.filter(kind=reminders.RESPONSE).count() == 13
    assert not Reminder.objects.filter(kind=reminders.RESPONSE, cancelled_at__isnull=True).exists()


def test_reaching_again_after_return_rearms_with_the_new_deadline(demo):
    request = reached(demo)
    te = rd_of(request, "TE")
    services.answer_department(
        request_department=te, by=demo["te_liaison"], answer=Answer.DECLINED, text="Busy."
    )
    request.refresh_from_db()
    services.submit_request(request=request, by=demo["mt_staff"])
    services.approve_request(request=request, by=demo["mt_head"], now=at("2026-11-17 10:00"))
    services.approve_request(request=request, by=demo["leader1"], now=at("2026-11-17 11:00"))
    due = open_reminders(reminders.RESPONSE, te.pk).get(stage="due", recipient=demo["te_staff"])
    assert due.due_at == due.fire_at == at("2026-11-19 11:00")


def test_sweep_after_deadline_reminds_contacts_and_escalates_to_head_once(demo, run_sweep):
    for user in ("te_staff", "te_head", "pd_head"):
        demo[user].preferred_language = "en"
        demo[user].save()
    request = reached(demo, priority="high")
    # PD answers in time: nobody there hears anything more.
    services.answer_department(
        request_department=rd_of(request, "PD"),
        by=demo["pd_liaison"],
        answer=Answer.CONFIRMED,
        now=at("2026-11-16 11:00"),
    )
    # TE acknowledges receipt in time but does not answer.
    services.acknowledge_receipt(
        request_department=rd_of(request, "TE"), by=demo["te_liaison"], now=at("2026-11-16 10:30")
    )

    assert run_sweep(at("2026-11-17 03:59")) == 0
    assert run_sweep(at("2026-11-17 10:01")) == 6  # 2 before, 2 due, head, the action
    assert run_sweep(at("2026-11-17 10:01")) == 0
    assert run_sweep(at("2026-11-18 09:59")) == 0

    url = reverse("requests:detail", args=[request.pk])
    (head,) = told(demo["te_head"])
    assert "Technology has not answered this request in time." in head.body
    assert request.number in head.subject
    assert head.url.startswith(url)
    (contact,) = told(demo["te_staff"])  # before and due in one digest
    assert contact.body.count("Confirm, ask for clarification or decline for Technology.") == 2
    assert len(told(demo["te_liaison"])) == 1
    assert told(demo["pd_head"]) == [] and told(demo["pd_liaison"]) == []
    # Escalation only tells; the request waits for TE as before.
    request.refresh_from_db()
    assert request.state == State.AWAITING_CONFIRMATION

    # More than 24 h late: TE's contact and liaison are asked why, once; PD is not.
    assert run_sweep(at("2026-11-18 10:00")) == 2
    assert run_sweep(at("2026-11-18 10:01")) == 0
    asked = LateReason.objects.filter(kind=reminders.RESPONSE)
    assert sorted(asked.values_list("person__username", flat=True)) == ["te_liaison", "te_staff"]
    assert set(asked.values_list("ref", flat=True)) == {f"request:{request.pk}"}
    assert len(told(demo["te_staff"])) == 2 and told(demo["pd_liaison"]) == []
    assert not Reminder.objects.filter(
        kind=reminders.RESPONSE, target_id=rd_of(request, "TE").pk, sent_at__isnull=True
    ).exists()


def test_reminder_text_in_the_recipients_language(demo, run_sweep):
    request = reached(demo, priority="high")
    te = rd_of(request, "TE").department
    assert demo["te_head"].preferred_language == "zh-hans"
    run_sweep(at("2026-11-17 10:01"))
    (head,) = told(demo["te_head"])
    assert te.name_zh in head.body and te.name_en not in head.body


def test_reminder_dropped_once_the_department_answered(demo):
    request = reached(demo)
    te = rd_of(request, "TE")
    reminder = Reminder.objects.get(
        kind=reminders.RESPONSE, target_id=te.pk, stage="due", recipient=demo["te_staff"]
    )
    handler = reminders.ResponseHandler()
    item = handler.describe(reminder)
    assert item.url == reverse("requests:detail", args=[request.pk]) + "#departments"
    assert request.number in item.title
    services.answer_department(
        request_department=te, by=demo["te_liaison"], answer=Answer.CONFIRMED
    )
    assert handler.describe(reminder) is None


def test_reminder_dropped_for_someone_who_can_no_longer_see_the_request(demo):
    request = reached(demo, confidentiality="confidential")
    te = rd_of(request, "TE")
    reminder = Reminder.objects.get(
        kind=reminders.RESPONSE, target_id=te.pk, stage="due", recipient=demo["te_staff"]
    )
    assert reminders.ResponseHandler().describe(reminder) is not None
    # The contact is replaced on the record: te_staff is no longer named on it.
    RequestDepartment.objects.filter(pk=te.pk).update(contact=demo["te_head"])
    assert reminders.ResponseHandler().describe(reminder) is None


def _describe_queries(reminder_list):
    handler = reminders.ResponseHandler()
    with CaptureQueriesContext(connection) as captured:
        items = handler.describe_all(reminder_list)
    assert all(items)
    return len(captured.captured_queries)


def test_describe_all_query_count_same_for_one_and_many(demo):
    for n in range(6):
        reached(demo, title=f"R{n}")

    def due_for(user):
        rows = Reminder.objects.filter(kind=reminders.RESPONSE, stage="due", recipient=user)
        return list(rows.select_related("recipient"))

    many = due_for(demo["te_staff"])
    assert len(many) == 6
    one = many[:1]
    assert _describe_queries(one) == _describe_queries(many)


# --- clarification -------------------------------------------------------------------


ASKED = at("2026-11-16 11:00")


def ask(demo, request, *, now=ASKED):
    return services.ask_clarification(
        request_department=rd_of(request, "TE"),
        by=demo["te_liaison"],
        question="Which browsers?",
        now=now,
    )


def test_question_arms_requester_reminders_with_escalation_to_requesting_head(demo):
    request = reached(demo)
    clarification = ask(demo, request)
    assert clarification.answer_due == at("2026-11-17 11:00")
    assert stages(reminders.CLARIFICATION, clarification.pk) == {
        # 75 % of 24 h is 05:00 on Tuesday: moved to the office opening.
        ("before", "mt_staff"): at("2026-11-17 09:00"),
        ("due", "mt_staff"): at("2026-11-17 11:00"),
        ("escalate", "mt_head"): at("2026-11-17 11:00"),
        ("escalate", None): at("2026-11-17 11:00"),
        ("explain", "mt_staff"): at("2026-11-18 11:00"),
    }


def test_answer_cancels_clarification_reminders(demo):
    request = reached(demo)
    clarification = ask(demo, request)
    services.answer_clarification(
        clarification=clarification,
        by=demo["mt_staff"],
        answer="Chrome and Safari.",
        now=at("2026-11-16 12:00"),
    )
    assert not open_reminders(reminders.CLARIFICATION, clarification.pk).exists()
    # The department still owes its answer.
    assert open_reminders(reminders.RESPONSE, rd_of(request, "TE").pk).exists()


def test_clarification_reminders_cancelled_when_request_leaves_awaiting_confirmation(demo):
    request = reached(demo)
    clarification = ask(demo, request)
    services.answer_department(
        request_department=rd_of(request, "PD"),
        by=demo["pd_liaison"],
        answer=Answer.DECLINED,
        text="Not this quarter.",
        now=at("2026-11-16 12:00"),
    )
    assert not open_reminders(reminders.CLARIFICATION, clarification.pk).exists()


def test_clarification_overdue_escalates_to_requesting_head_once(demo, run_sweep):
    demo["mt_head"].preferred_language = "en"
    demo["mt_head"].save()
    request = reached(demo)
    clarification = ask(demo, request)
    run_sweep(at("2026-11-17 11:01"))
    run_sweep(at("2026-11-17 11:01"))
    (head,) = told(demo["mt_head"])
    assert "The requester has not answered the question from Technology in time." in head.body
    assert len(told(demo["mt_staff"])) == 1  # before and due together
    item = reminders.ClarificationHandler().describe(
        Reminder.objects.get(kind=reminders.CLARIFICATION, stage="due", recipient=demo["mt_staff"])
    )
    assert item.url.endswith(f"#clarification-{clarification.pk}")
    assert Clarification.objects.get(pk=clarification.pk).is_open


def test_reached_notification_skips_people_not_named_on_a_confidential_request(
    demo, django_capture_on_commit_callbacks
):
    from collab.notify.models import Notification
    from tests.requests_app.factories import make_request

    with django_capture_on_commit_callbacks(execute=True):
        make_request(
            demo,
            stage="awaiting_confirmation",
            to=("TE",),
            confidentiality="confidential",
            contacts={"TE": "te_staff"},
        )
    told = set(
        Notification.objects.filter(event="requests.request.reached").values_list(
            "recipient__username", flat=True
        )
    )
    assert "te_staff" in told  # the named contact
    assert "te_liaison" not in told  # not named on the confidential request
