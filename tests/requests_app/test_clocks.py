"""Fair request clocks with a frozen clock (DOMAIN §1, §8): the response clock pauses
while a department waits for the requester's answer, and the liaison acknowledges
receipt within 1 working day, apart from the confirmation limit."""

import datetime
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from collab.kpi import periods
from collab.kpi import selectors as kpi
from collab.notify.models import Notification, Reminder
from collab.org.models import Department
from collab.workdays import calendar
from requests_app import reminders, services
from requests_app.errors import RequestError
from requests_app.models import Answer, ApprovalRules, RequestDepartment, RequestEvent, events

from .factories import make_request

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


# Monday 2026-11-16 10:00 in Shanghai; office 09:00–18:00, no holidays that week.
REACHED = at("2026-11-16 10:00")
DUE = at("2026-11-18 10:00")  # medium priority: 48 calendar hours


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def reached(demo, *, now=REACHED, **kwargs):
    """A medium-priority request the leader approves at `now`: it reaches TE (contact
    te_staff) and PD (its liaison)."""
    kwargs.setdefault("contacts", {"TE": "te_staff"})
    request = make_request(demo, stage="leader_review", **kwargs)
    services.approve_request(request=request, by=demo["leader1"], now=now)
    request.refresh_from_db()
    return request


def rd_of(request, code) -> RequestDepartment:
    return RequestDepartment.objects.select_related("department").get(
        request=request, department__code=code
    )


def ask(demo, request, *, now, by="te_liaison", question="Which browsers?"):
    return services.ask_clarification(
        request_department=rd_of(request, "TE"), by=demo[by], question=question, now=now
    )


def reply(demo, clarification, *, now):
    return services.answer_clarification(
        clarification=clarification, by=demo["mt_staff"], answer="Chrome and Safari.", now=now
    )


def open_reminders(kind, target_id):
    return Reminder.objects.filter(
        kind=kind, target_id=target_id, sent_at__isnull=True, cancelled_at__isnull=True
    )


def verbs(request) -> list[str]:
    return list(RequestEvent.objects.filter(request=request).values_list("verb", flat=True))


# --- the paused response clock -------------------------------------------------------


def test_question_pauses_the_clock_and_holds_the_reminders(demo):
    request = reached(demo)
    ask(demo, request, now=at("2026-11-16 11:00"))
    te = rd_of(request, "TE")
    assert te.clock_paused_at == at("2026-11-16 11:00")
    assert te.response_due == DUE  # moved only when the clock runs again
    assert not open_reminders(reminders.RESPONSE, te.pk).exists()
    # PD asked nothing: its clock runs on.
    pd = rd_of(request, "PD")
    assert pd.clock_paused_at is None
    assert open_reminders(reminders.RESPONSE, pd.pk).exists()
    assert events.CLOCK_PAUSED in verbs(request)


def test_answer_resumes_the_clock_moves_the_deadline_and_rearms(demo):
    request = reached(demo)
    clarification = ask(demo, request, now=at("2026-11-16 11:00"))
    reply(demo, clarification, now=at("2026-11-16 14:30"))
    te = rd_of(request, "TE")
    paused = datetime.timedelta(hours=3, minutes=30)
    assert te.clock_paused_at is None
    assert te.clock_paused_for == paused
    assert te.response_due == DUE + paused

    armed = open_reminders(reminders.RESPONSE, te.pk)
    assert set(armed.values_list("due_at", flat=True)) == {DUE + paused}
    assert {(r.stage, r.recipient.username if r.recipient else None) for r in armed} >= {
        ("due", "te_staff"),
        ("due", "te_liaison"),
        ("escalate", "te_head"),
        ("escalate", None),
    }
    due = armed.get(stage="due", recipient=demo["te_staff"])
    assert due.fire_at == DUE + paused

    resumed = RequestEvent.objects.get(request=request, verb=events.CLOCK_RESUMED)
    assert resumed.at == at("2026-11-16 14:30")
    assert resumed.data["department"] == "TE"
    assert resumed.data["paused_seconds"] == paused.total_seconds()


def test_clock_stays_paused_until_the_last_open_question_is_answered(demo):
    request = reached(demo)
    first = ask(demo, request, now=at("2026-11-16 11:00"))
    second = ask(demo, request, now=at("2026-11-16 12:00"), by="te_staff", question="Which OS?")
    assert rd_of(request, "TE").clock_paused_at == at("2026-11-16 11:00")

    reply(demo, first, now=at("2026-11-16 13:00"))
    te = rd_of(request, "TE")
    assert te.clock_paused_at == at("2026-11-16 11:00")
    assert te.response_due == DUE
    assert not open_reminders(reminders.RESPONSE, te.pk).exists()

    reply(demo, second, now=at("2026-11-16 15:00"))
    te = rd_of(request, "TE")
    assert te.clock_paused_at is None
    assert te.clock_paused_for == datetime.timedelta(hours=4)
    assert te.response_due == DUE + datetime.timedelta(hours=4)
    assert verbs(request).count(events.CLOCK_PAUSED) == 1
    assert verbs(request).count(events.CLOCK_RESUMED) == 1


def test_paused_department_is_not_overdue(demo):
    # The deadline (18 Nov) is long past in real time: only the pause keeps it fair.
    request = reached(demo)
    ask(demo, request, now=at("2026-11-16 11:00"))
    te = rd_of(request, "TE")
    assert te.clock_paused and not te.overdue
    assert rd_of(request, "PD").overdue
    assert not kpi.overdue_responses_qs(at("2026-11-20 10:00")).filter(pk=te.pk).exists()


def test_answering_while_paused_ends_the_pause_on_time(demo):
    request = reached(demo)
    clarification = ask(demo, request, now=at("2026-11-17 10:00"))
    # TE confirms after its original deadline, its own question still open.
    services.answer_department(
        request_department=rd_of(request, "TE"),
        by=demo["te_liaison"],
        answer=Answer.CONFIRMED,
        now=at("2026-11-18 12:00"),
    )
    te = rd_of(request, "TE")
    assert te.clock_paused_at is None
    assert te.response_due == DUE + datetime.timedelta(hours=26)
    assert te.answered_at <= te.response_due
    assert not open_reminders(reminders.RESPONSE, te.pk).exists()
    # The requester's late answer changes nothing more.
    reply(demo, clarification, now=at("2026-11-18 13:00"))
    assert rd_of(request, "TE").response_due == te.response_due
    assert not open_reminders(reminders.RESPONSE, te.pk).exists()


def test_request_page_shows_the_paused_clock(demo, client):
    request = reached(demo)
    ask(demo, request, now=at("2026-11-16 11:00"))
    client.force_login(demo["mt_staff"])
    html = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert 'data-testid="clock-paused-TE"' in html
    assert 'data-testid="clock-paused-PD"' not in html
    assert "paused while waiting for the requester" in html
    assert 'data-testid="department-row-TE" class=""' in html


def test_new_round_starts_with_a_running_clock(demo):
    request = reached(demo)
    ask(demo, request, now=at("2026-11-16 11:00"))
    services.answer_department(
        request_department=rd_of(request, "PD"),
        by=demo["pd_liaison"],
        answer=Answer.DECLINED,
        text="Busy.",
        now=at("2026-11-16 12:00"),
    )
    request.refresh_from_db()
    services.submit_request(request=request, by=demo["mt_staff"])
    services.approve_request(request=request, by=demo["mt_head"], now=at("2026-11-17 10:00"))
    services.approve_request(request=request, by=demo["leader1"], now=at("2026-11-17 11:00"))
    te = rd_of(request, "TE")
    assert te.clock_paused_at is None
    assert te.clock_paused_for == datetime.timedelta(0)
    assert te.acknowledged_at is None
    assert te.response_due == at("2026-11-19 11:00")


# --- acknowledgement of receipt ------------------------------------------------------


def test_reaching_sets_acknowledge_due_one_working_day_later_and_arms_reminders(demo):
    request = reached(demo)
    te = rd_of(request, "TE")
    assert te.acknowledge_due == at("2026-11-17 10:00")
    armed = Reminder.objects.filter(
        kind=reminders.ACKNOWLEDGE, target_id=te.pk, stage__in=["before", "due", "escalate"]
    )
    assert {(r.stage, r.recipient.username if r.recipient else None) for r in armed} == {
        ("before", "te_liaison"),
        ("before", "te_staff"),
        ("due", "te_liaison"),
        ("due", "te_staff"),
        ("escalate", "te_head"),
        ("escalate", None),
    }
    assert set(armed.values_list("due_at", flat=True)) == {at("2026-11-17 10:00")}
    hours = calendar.working_day_length().total_seconds() / 3600
    assert set(armed.values_list("working_hours", flat=True)) == {hours}


def test_acknowledge_days_come_from_the_approval_rules(demo):
    rules = ApprovalRules.current()
    rules.acknowledge_days = 2
    rules.save()
    request = reached(demo)
    assert rd_of(request, "TE").acknowledge_due == at("2026-11-18 10:00")


def test_liaison_acknowledges_receipt(demo, django_capture_on_commit_callbacks):
    request = reached(demo)
    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_receipt(
            request_department=rd_of(request, "TE"),
            by=demo["te_liaison"],
            comment="Looking at it tomorrow.",
            now=at("2026-11-16 15:00"),
        )
    te = rd_of(request, "TE")
    assert te.acknowledged_by == demo["te_liaison"]
    assert te.acknowledged_at == at("2026-11-16 15:00")
    assert te.answer == Answer.PENDING  # receipt is not confirmation
    assert not open_reminders(reminders.ACKNOWLEDGE, te.pk).exists()
    assert open_reminders(reminders.ACKNOWLEDGE, rd_of(request, "PD").pk).exists()
    assert open_reminders(reminders.RESPONSE, te.pk).exists()
    event = RequestEvent.objects.get(request=request, verb=events.ACKNOWLEDGED)
    assert event.actor == demo["te_liaison"]
    assert event.data == {"department": "TE", "on_time": True}
    assert event.comment == "Looking at it tomorrow."
    (note,) = Notification.objects.filter(event="requests.department.acknowledged")
    assert note.recipient == demo["mt_staff"]
    assert "TE" in note.subject and request.number in note.subject


def test_any_answer_counts_as_acknowledgement(demo):
    request = reached(demo)
    services.answer_department(
        request_department=rd_of(request, "PD"),
        by=demo["pd_head"],
        answer=Answer.CONFIRMED,
        now=at("2026-11-17 11:00"),
    )
    ask(demo, request, now=at("2026-11-16 12:00"), by="te_staff")
    te, pd = rd_of(request, "TE"), rd_of(request, "PD")
    assert (te.acknowledged_by, te.acknowledged_at) == (demo["te_staff"], at("2026-11-16 12:00"))
    assert (pd.acknowledged_by, pd.acknowledged_at) == (demo["pd_head"], at("2026-11-17 11:00"))
    assert not open_reminders(reminders.ACKNOWLEDGE, te.pk).exists()
    assert not open_reminders(reminders.ACKNOWLEDGE, pd.pk).exists()
    late = RequestEvent.objects.get(
        request=request, verb=events.ACKNOWLEDGED, data__department="PD"
    )
    assert late.data["on_time"] is False


def test_second_acknowledgement_says_who_was_first(demo):
    request = reached(demo)
    services.acknowledge_receipt(
        request_department=rd_of(request, "TE"), by=demo["te_liaison"], now=REACHED
    )
    with pytest.raises(RequestError) as error:
        services.acknowledge_receipt(request_department=rd_of(request, "TE"), by=demo["te_head"])
    assert "already acknowledged" in str(error.value)
    assert demo["te_liaison"].name in str(error.value)
    assert "2026-11-16 10:00" in str(error.value)
    assert rd_of(request, "TE").acknowledged_by == demo["te_liaison"]


def test_duplicate_click_on_the_page_shows_a_message(demo, client):
    request = reached(demo)
    te = rd_of(request, "TE")
    url = reverse("requests:acknowledge", args=[request.pk, te.pk])
    client.force_login(demo["te_liaison"])
    detail = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert 'data-testid="acknowledge-TE-button"' in detail
    assert 'data-testid="acknowledge-PD-button"' not in detail
    assert client.get(url).status_code == 200  # the confirmation page
    assert client.post(url, {"comment": ""}).status_code == 302
    client.force_login(demo["te_head"])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "already" in str(m)]
    assert "already acknowledged" in message and demo["te_liaison"].name in message
    assert RequestEvent.objects.filter(request=request, verb=events.ACKNOWLEDGED).count() == 1
    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert 'data-testid="acknowledge-TE-button"' not in page


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("te_liaison", 200),
        ("te_staff", 200),  # the named contact
        ("te_head", 200),
        ("pd_staff", 403),  # sees the request, answers for another department
        ("mt_staff", 403),
        ("fi_staff", 404),  # may not see it
    ],
)
def test_who_may_acknowledge(demo, client, person, status):
    request = reached(demo)
    te = rd_of(request, "TE")
    client.force_login(demo[person])
    url = reverse("requests:acknowledge", args=[request.pk, te.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"comment": ""})
    te = rd_of(request, "TE")
    if status == 200:
        assert response.status_code == 302
        assert te.acknowledged_by == demo[person]
    else:
        assert response.status_code == status
        assert te.acknowledged_at is None


def test_confidential_request_acknowledgement_reminds_only_people_named_on_it(demo):
    request = reached(demo, confidentiality="confidential")
    te = rd_of(request, "TE")
    recipients = set(
        Reminder.objects.filter(kind=reminders.ACKNOWLEDGE, target_id=te.pk)
        .exclude(recipient=None)
        .exclude(stage="explain")
        .values_list("recipient__username", flat=True)
    )
    assert recipients == {"te_staff", "te_head"}  # the liaison is not named on it


def test_acknowledge_reminder_text_and_drop_after_acknowledgement(demo):
    request = reached(demo)
    te = rd_of(request, "TE")
    reminder = Reminder.objects.get(
        kind=reminders.ACKNOWLEDGE, target_id=te.pk, stage="due", recipient=demo["te_liaison"]
    )
    handler = reminders.AcknowledgeHandler()
    item = handler.describe(reminder)
    assert item.url == reverse("requests:detail", args=[request.pk]) + "#departments"
    services.acknowledge_receipt(request_department=te, by=demo["te_liaison"], now=REACHED)
    assert handler.describe(reminder) is None


def test_withdraw_cancels_acknowledge_reminders(demo):
    request = reached(demo)
    services.withdraw_request(request=request, by=demo["mt_staff"], now=at("2026-11-16 12:00"))
    assert not Reminder.objects.filter(
        kind=reminders.ACKNOWLEDGE, sent_at__isnull=True, cancelled_at__isnull=True
    ).exists()


# --- KPI: the on-time response rate uses the paused clock ---------------------------


def test_on_time_response_rate_counts_the_pause(demo):
    request = reached(demo)
    clarification = ask(demo, request, now=at("2026-11-16 11:00"))
    reply(demo, clarification, now=at("2026-11-18 11:00"))  # 48 h paused
    # Both answer a day after the original deadline: TE had the pause, PD did not.
    for code, by in (("TE", "te_liaison"), ("PD", "pd_liaison")):
        services.answer_department(
            request_department=rd_of(request, code),
            by=demo[by],
            answer=Answer.CONFIRMED,
            now=at("2026-11-19 12:00"),
        )
    board = kpi.dashboard(
        period=periods.month_of(datetime.date(2026, 11, 16)),
        departments=list(Department.objects.filter(code__in=["TE", "PD"])),
        now=at("2026-11-20 10:00"),
    )
    figures = {dept.code: f for dept, f in board.rows}
    assert (figures["TE"].responses_due, figures["TE"].responses_on_time) == (1, 1)
    assert (figures["PD"].responses_due, figures["PD"].responses_on_time) == (1, 0)
