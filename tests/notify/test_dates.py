"""Dates people read: local time in the reader's language, the time left in words, and
never an ISO timestamp in a notification, an e-mail or a chat message."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from collab.notify import dates, reminders
from collab.notify.models import Notification, Reminder
from collab.notify.services import notify
from collab.workdays import calendar
from collab.workdays.models import CalendarYear, Source
from issues_app import services as issue_services
from issues_app.models import Grade
from requests_app import services as request_services
from requests_app.models import RequestDepartment
from tasks_app import services as task_services
from tests.issues_app.factories import report, running_request
from tests.requests_app.factories import make_request
from tests.tasks_app.factories import make_task, upload

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def year_2026(db):
    """2026 as an ordinary year (weekends off, no holidays): working days are countable."""
    CalendarYear.objects.get_or_create(year=2026, defaults={"source": Source.MANUAL})
    calendar.invalidate()


def _assert_readable(text: str, where: str) -> None:
    assert not ISO.search(text), f"ISO timestamp in {where}: {text!r}"
    assert "+00:00" not in text, f"UTC offset in {where}: {text!r}"


# --- the words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (at("2026-11-30 17:52"), "5 hours left"),
        (at("2026-11-30 13:52"), "1 hour left"),
        (at("2026-11-30 13:20"), "28 minutes left"),
        (at("2026-11-30 12:52"), "due now"),
        (at("2026-11-30 09:52"), "3 hours overdue"),
        (at("2026-12-03 12:52"), "72 hours left"),
        (at("2026-12-05 12:52"), "5 days left"),
        (at("2026-11-25 12:52"), "5 days overdue"),
    ],
)
def test_time_left_calendar_hours_in_english(due, expected):
    with translation.override("en"):
        assert dates.time_left(due, at("2026-11-30 12:52")) == expected


def test_time_left_working_days_in_english(year_2026):
    now = at("2026-12-02 10:00")  # Wednesday
    with translation.override("en"):
        # Monday 10:00 to Wednesday 10:00: two office days have passed.
        assert dates.time_left(at("2026-11-30 10:00"), now, working_days=True) == (
            "2 working days overdue"
        )
        # Wednesday 10:00 to Friday 10:00: the weekend is not counted either way.
        assert dates.time_left(at("2026-12-04 10:00"), now, working_days=True) == (
            "2 working days left"
        )
        assert dates.time_left(at("2026-12-03 10:00"), now, working_days=True) == (
            "1 working day left"
        )
        # Less than one office day: calendar hours, which are never wrong.
        assert dates.time_left(at("2026-12-02 15:00"), now, working_days=True) == "5 hours left"
        # A date is a deadline at the close of office: Friday 18:00.
        assert dates.time_left(datetime.date(2026, 12, 4), now, working_days=True) == (
            "2 working days left"
        )


def test_time_left_working_days_in_a_provisional_year(db):
    # No CalendarYear for 2031: the provisional calendar still counts working days.
    with translation.override("en"):
        text = dates.time_left(at("2031-03-10 10:00"), at("2031-03-05 10:00"), working_days=True)
    assert text == "3 working days left"


def test_time_left_in_chinese(year_2026):
    now = at("2026-11-30 12:52")  # Monday
    with translation.override("zh-hans"):
        cases = [
            ("%(count)d hour left", dates.time_left(at("2026-11-30 17:52"), now), "还剩 5 小时"),
            (
                "%(count)d hour overdue",
                dates.time_left(at("2026-11-30 09:52"), now),
                "已逾期 3 小时",
            ),
            (
                "%(count)d working day overdue",
                dates.time_left(at("2026-11-26 12:52"), now, working_days=True),
                "已逾期 2 个工作日",
            ),
        ]
    for _msgid, text, chinese in cases:
        assert text == chinese


def test_local_datetime_is_local_and_in_the_readers_language():
    moment = datetime.datetime(2026, 11, 30, 4, 52, 45, 130206, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        assert dates.local_datetime(moment) == "2026年11月30日 12:52"
        assert dates.local_datetime(datetime.date(2026, 11, 30)) == "2026年11月30日"
    with translation.override("en"):
        assert dates.local_datetime(moment) == "Nov. 30, 2026, 12:52 p.m."
    assert dates.local_datetime(None) == ""


def test_moment_in_a_template_prints_local_time_and_time_left():
    due = datetime.datetime(2026, 11, 30, 4, 52, tzinfo=datetime.UTC)
    context = dates.readable(
        {"due": due, "title": "x"}, now=datetime.datetime(2026, 11, 29, 23, 52, tzinfo=datetime.UTC)
    )
    template = Template(
        "{% load local_dates %}{{ due }} | {{ due|time_left }} | {{ due|deadline }}"
    )
    with translation.override("en"):
        text = template.render(Context(context))
    assert text == (
        "Nov. 30, 2026, 12:52 p.m. | 5 hours left | Nov. 30, 2026, 12:52 p.m. (5 hours left)"
    )


# --- reminders ------------------------------------------------------------------------


class _Handler(reminders.ReminderHandler):
    def describe(self, reminder):
        return reminders.ReminderItem(
            title=f"Thing {reminder.target_id}", text=reminders.default_text(reminder)
        )


@pytest.fixture
def thing_handler():
    yield reminders.register_handler("tests.dates", _Handler())
    reminders.HANDLERS.pop("tests.dates", None)


def _sweep_and_send(now, capture):
    """Claim what is due at `now` and send it as the worker would at that moment."""
    reminders.sweep(now=now)
    with capture(execute=True):
        reminders.send(reminder_ids=Reminder.objects.values_list("pk", flat=True), now=now)


def test_reminder_says_the_local_deadline_and_the_hours_left(
    demo, thing_handler, django_capture_on_commit_callbacks
):
    demo["pd_liaison"].preferred_language = "en"
    demo["pd_liaison"].save()
    reminders.schedule_deadline(
        kind="tests.dates",
        target=1,
        due_at=at("2026-11-30 17:52"),
        recipients=[demo["pd_liaison"], demo["te_liaison"]],
        urgent=True,
        start=at("2026-11-30 08:00"),
    )
    _sweep_and_send(at("2026-11-30 15:30"), django_capture_on_commit_callbacks)  # at 75 %

    english = Notification.objects.get(recipient=demo["pd_liaison"]).body
    assert english == "Thing 1: Due on Nov. 30, 2026, 5:52 p.m. (2 hours left)."
    chinese = Notification.objects.get(recipient=demo["te_liaison"]).body
    assert "2026年11月30日 17:52" in chinese
    for message in mail.outbox:
        _assert_readable(message.body, "a reminder e-mail")


def test_escalation_of_a_working_day_deadline_counts_working_days_overdue(
    demo, year_2026, thing_handler, django_capture_on_commit_callbacks
):
    demo["pd_head"].preferred_language = "en"
    demo["pd_head"].save()
    reminders.schedule_deadline(
        kind="tests.dates",
        target=2,
        due_at=at("2026-11-30 12:52"),  # Monday
        recipients=[],
        escalate_to=[demo["pd_head"]],
        urgent=True,
        start=at("2026-11-27 12:52"),
        working_hours=9,
    )
    _sweep_and_send(at("2026-12-02 12:52"), django_capture_on_commit_callbacks)  # Wednesday

    (told,) = Notification.objects.filter(recipient=demo["pd_head"])
    assert "Nov. 30, 2026, 12:52 p.m. (2 working days overdue)" in told.body


# --- real flows -------------------------------------------------------------------------


def _run_flows(demo):
    """File, submit and approve a request so that it reaches TE and PD (TE's contact reads
    Chinese, PD's liaison English), ask a clarification, deliver a task, report and grade
    a problem. Returns the moment the request reached the departments."""
    demo["pd_liaison"].preferred_language = "en"
    demo["pd_liaison"].save()
    demo["te_staff"].preferred_language = "zh-hans"
    demo["te_staff"].save()
    # 04:52:45 UTC is 12:52 in Shanghai, today.
    reached_at = (
        timezone.now()
        .astimezone(datetime.UTC)
        .replace(hour=4, minute=52, second=45, microsecond=130206)
    )
    request = make_request(demo, stage="leader_review", contacts={"TE": "te_staff"})
    request_services.approve_request(request=request, by=demo["leader1"], now=reached_at)
    te = RequestDepartment.objects.get(request=request, department__code="TE")
    request_services.ask_clarification(
        request_department=te, by=demo["te_liaison"], question="Which colours?"
    )

    running = running_request(demo, title="Autumn landing page")
    task = make_task(demo, running)
    task_services.start_task(task=task, by=task.owner)
    task_services.deliver_task(task=task, by=task.owner, note="Done", files=[upload()])
    problem = report(demo, running)
    issue_services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    return request


def test_flows_leave_no_iso_timestamp_in_notifications_or_emails(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run_flows(demo)

    notifications = list(Notification.objects.all())
    events = {n.event for n in notifications}
    assert {
        "requests.request.reached",
        "requests.clarification.asked",
        "tasks.task.assigned",
        "tasks.task.delivered",
    } <= events
    assert any(e.startswith("issues.problem") for e in events)
    for n in notifications:
        for field in ("subject", "body", "body_html"):
            _assert_readable(getattr(n, field), f"{n.event} {field}")
    assert mail.outbox
    for message in mail.outbox:
        _assert_readable(message.subject, "an e-mail subject")
        _assert_readable(message.body, "an e-mail body")
        for content, _mime in message.alternatives:
            _assert_readable(content, "an e-mail's HTML part")


def test_reached_message_shows_local_time_in_the_readers_language(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _run_flows(demo)

    due = RequestDepartment.objects.get(request=request, department__code="TE").response_due
    local_due = due.astimezone(SHANGHAI)
    assert local_due.strftime("%H:%M") == "12:52"  # 04:52 UTC
    reached = Notification.objects.filter(
        event="requests.request.reached", url=reverse("requests:detail", args=[request.pk])
    )
    chinese = reached.get(recipient=demo["te_staff"]).body
    assert f"{local_due.year}年{local_due.month}月{local_due.day}日 12:52" in chinese
    assert "04:52" not in chinese
    english = reached.get(recipient=demo["pd_liaison"]).body
    with translation.override("en"):
        assert date_format(local_due, "DATETIME_FORMAT") in english
    assert "12:52 p.m." in english
    # Medium priority: 48 calendar hours to answer, told in words.
    assert re.search(r"\(\d+ hours left\)", english), english


def test_notify_renders_datetimes_of_the_context_for_each_reader(
    demo, django_capture_on_commit_callbacks
):
    due = datetime.datetime(2026, 11, 30, 4, 52, 45, tzinfo=datetime.UTC)
    demo["te_staff"].preferred_language = "zh-hans"
    demo["te_staff"].save()
    demo["pd_staff"].preferred_language = "en"
    demo["pd_staff"].save()
    with django_capture_on_commit_callbacks(execute=True):
        chinese, english = notify(
            recipients=[demo["te_staff"], demo["pd_staff"]],
            event="tests.dates",
            template="notify/generic",
            context={"subject": "Due", "text": due},
        )
    assert chinese.body == "2026年11月30日 12:52"
    assert english.body == "Nov. 30, 2026, 12:52 p.m."
    for message in mail.outbox:
        _assert_readable(message.body, "an e-mail body")
        assert "12:52" in message.body
