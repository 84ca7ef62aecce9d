"""Working across the year end: a year without the official schedule is provisional
(never refused), and confirming it moves exactly the deadlines that depend on a changed
day. The clock is frozen with time-machine, so the services see the dates they would see
on those days."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from collab.notify import reminders as engine
from collab.notify.models import Notification, Reminder
from collab.workdays import calendar
from collab.workdays.models import CalendarDay, CalendarYear, Source
from collab.workdays.services import NoticeError, confirm_year, parse_notice, preview
from issues_app.models.events import DEADLINE_MOVED
from tasks_app import services as task_services
from tasks_app.models import TaskState
from tests.issues_app.factories import report, running_request
from tests.tasks_app.factories import make_task, upload

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# A Spring Festival that differs from the estimate (5–10 February off): the eve is
# worked, the break runs 6–13 February, and two weekend days are worked (调休).
NOTICE_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知 (test data)
2027-01-01 off 元旦
2027-02-06..2027-02-13 off 春节
2027-02-14 on 春节调休
2027-02-20 on 春节调休
2027-04-05 off 清明节
2027-05-01..2027-05-04 off 劳动节
2027-06-09 off 端午节
2027-09-15 off 中秋节
2027-10-01..2027-10-05 off 国庆节
"""


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def provisional_2027(db):
    CalendarYear.objects.filter(year=2027).delete()
    CalendarDay.objects.filter(date__year=2027).delete()
    calendar.invalidate()
    yield
    calendar.invalidate()


def test_task_due_in_january_is_delivered_and_accepted_across_the_year_end(demo):
    with time_machine.travel(at(2026, 12, 28, 10), tick=False):
        request = running_request(demo, to=("TE",))
        task = make_task(demo, request)  # planned to finish on 7 January 2027
        task_services.start_task(task=task, by=task.owner)

    with time_machine.travel(at(2026, 12, 31, 17), tick=False):
        round_ = task_services.deliver_task(task=task, by=task.owner, note="Done", files=[upload()])

    # 1 January is the estimated New Year holiday, then the weekend.
    assert round_.feedback_due == at(2027, 1, 4, 17)
    assert calendar.is_provisional(round_.feedback_due)

    with time_machine.travel(at(2027, 1, 4, 10), tick=False):
        task_services.accept_task(task=task, by=demo["mt_staff"])
    task.refresh_from_db()
    assert task.state == TaskState.ACCEPTED


def test_problem_filed_on_30_december_gets_a_provisional_deadline(demo):
    with time_machine.travel(at(2026, 12, 28, 10), tick=False):
        request = running_request(demo)
    problem = report(demo, request, now=at(2026, 12, 30, 10))

    # 30 Dec 10:00 + 2 working days: the 30th and the 31st, 1 January off.
    assert problem.response_due == at(2027, 1, 4, 10)
    assert calendar.is_provisional(problem.response_due)
    assert not calendar.is_provisional(problem.reported_at)


def test_confirming_2027_moves_exactly_the_dependent_deadlines_and_tells_holders_once(
    demo, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2027, 1, 11, 10), tick=False):
        request = running_request(demo)
    before_festival = report(demo, request, now=at(2027, 2, 3, 10), title="Blocked on designs")
    in_january = report(demo, request, now=at(2027, 1, 11, 10), title="Missing budget data")
    # Provisional: the estimate keeps 5–10 February off, so the limit runs to the 11th.
    assert before_festival.response_due == at(2027, 2, 11, 10)
    assert in_january.response_due == at(2027, 1, 13, 10)
    Notification.objects.all().delete()

    days = parse_notice(NOTICE_2027, year=2027)
    changes = preview(year=2027, days=days)
    assert {c.date: c.is_working for c in changes} == {
        datetime.date(2027, 2, 5): True,
        datetime.date(2027, 2, 11): False,
        datetime.date(2027, 2, 12): False,
        datetime.date(2027, 2, 14): True,
        datetime.date(2027, 2, 20): True,
    }

    with django_capture_on_commit_callbacks(execute=True):
        result = confirm_year(year=2027, days=days, by=demo["admin"])

    assert result.moved == 1
    before_festival.refresh_from_db()
    in_january.refresh_from_db()
    # The eve is worked now: 3 Feb 8 h + 4 Feb 9 h + 1 h on 5 Feb.
    assert before_festival.response_due == at(2027, 2, 5, 10)
    assert in_january.response_due == at(2027, 1, 13, 10)
    assert not calendar.is_provisional(before_festival.response_due)
    open_rows = Reminder.objects.filter(
        kind="issues.problem.response", target_id=before_festival.pk, sent_at__isnull=True
    )
    assert {r.due_at for r in open_rows} == {at(2027, 2, 5, 10)}
    assert before_festival.events.filter(verb=DEADLINE_MOVED).count() == 1
    assert not in_january.events.filter(verb=DEADLINE_MOVED).exists()

    told = Notification.objects.filter(event="workdays.deadlines_moved")
    holders = {r.recipient_id for r in open_rows.filter(stage=engine.DUE)}
    assert holders and set(told.values_list("recipient_id", flat=True)) == holders
    assert told.count() == len(holders)
    assert "Blocked on designs" in told.first().body

    # Confirming the same notice again changes nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        again = confirm_year(year=2027, days=days, by=demo["admin"])
    assert (again.changes, again.moved) == ([], 0)
    assert Notification.objects.filter(event="workdays.deadlines_moved").count() == len(holders)


def test_workdays_seed_confirms_a_year_the_package_knows_and_moves_its_deadlines(
    demo, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 9, 28, 10), tick=False):
        request = running_request(demo)
    # 2026 made provisional again, as if the package had not known it yet.
    CalendarYear.objects.filter(year=2026).delete()
    CalendarDay.objects.filter(date__year=2026).delete()
    calendar.invalidate()
    problem = report(demo, request, now=at(2026, 10, 9, 10))
    # The estimate knows no make-up day: Saturday 10 October is off.
    assert problem.response_due == at(2026, 10, 13, 10)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("workdays_seed", stdout=io.StringIO(), stderr=io.StringIO())

    problem.refresh_from_db()
    assert CalendarYear.objects.get(year=2026).source == Source.LIBRARY
    assert problem.response_due == at(2026, 10, 12, 10)  # the Saturday was worked
    assert Notification.objects.filter(event="workdays.deadlines_moved").exists()


def test_parse_notice_reads_ranges_chinese_words_and_names():
    days = parse_notice("2027-10-01..2027-10-03 休 国庆节\n2027-09-26 班\n", year=2027)

    assert [(d.date.day, d.is_working_day, d.name) for d in days] == [
        (26, True, ""),
        (1, False, "国庆节"),
        (2, False, "国庆节"),
        (3, False, "国庆节"),
    ]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("2027-02-30 off", "does not exist"),
        ("2026-12-31 off", "must be in 2027"),
        ("2027-02-10..2027-02-05 off", "ends before it starts"),
        ("2027-02-10 on", "weekday"),
        ("2027-02-06 off\n2027-02-06 off", "listed twice"),
        ("holidays in February", "Write a date"),
        ("# only a comment", "no days"),
    ],
)
def test_parse_notice_names_the_line_that_cannot_be_read(text, fragment):
    with pytest.raises(NoticeError) as excinfo:
        parse_notice(text, year=2027)

    assert fragment in str(excinfo.value)


def test_admin_previews_then_confirms_the_notice(demo, login):
    client = login(demo["admin"])
    url = reverse("admin:workdays_calendaryear_confirm")

    page = client.get(url + "?year=2027")
    assert page.status_code == 200
    assert "2027-02-06..2027-02-08 off 春节" in page.content.decode()  # the estimate

    bad = client.post(url, {"year": 2027, "notice": "2027-02-10 on"})
    assert bad.status_code == 200
    assert "Line 1:" in bad.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()

    shown = client.post(url, {"year": 2027, "notice": NOTICE_2027, "preview": "1"})
    assert shown.status_code == 200
    assert 'id="calendar-preview"' in shown.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()

    done = client.post(
        url, {"year": 2027, "notice": NOTICE_2027, "note": "国办发明电", "confirm": "1"}
    )
    assert done.status_code == 302
    entry = CalendarYear.objects.get(year=2027)
    assert (entry.source, entry.confirmed_by) == (Source.NOTICE, demo["admin"])
    assert not calendar.is_working_day(datetime.date(2027, 2, 12))
    assert calendar.is_working_day(datetime.date(2027, 2, 14))


def test_confirm_page_is_for_administrators_only(demo, login):
    response = login(demo["secretary"]).get(reverse("admin:workdays_calendaryear_confirm"))

    assert response.status_code in (302, 403)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_my_work_asks_the_administrator_until_the_year_is_confirmed(demo, login):
    client = login(demo["admin"])
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        assert "The 2027 working-day calendar is provisional" in client.get("/").content.decode()
        confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027), by=demo["admin"])
        calendar.invalidate()
        assert "working-day calendar is provisional" not in client.get("/").content.decode()
    with time_machine.travel(at(2026, 11, 2, 10), tick=False):
        staff_page = login(demo["mt_head"]).get("/").content.decode()
    assert "working-day calendar is provisional" not in staff_page


def test_administrators_are_reminded_weekly_from_1_november(
    demo, django_capture_on_commit_callbacks
):
    from collab.notify.hooks import working_morning

    with time_machine.travel(at(2026, 10, 30, 9), tick=False):
        working_morning(now=at(2026, 10, 30, 9))
    assert not Reminder.objects.filter(kind="workdays.confirm_year").exists()

    for day in (2, 3):  # Monday and Tuesday of the same week
        with time_machine.travel(at(2026, 11, day, 9), tick=False):
            working_morning(now=at(2026, 11, day, 9))
            with django_capture_on_commit_callbacks(execute=True):
                engine.sweep(now=at(2026, 11, day, 9, 1))

    sent = Notification.objects.filter(recipient=demo["admin"], subject__contains="2027")
    assert sent.count() == 1
    # The demo administrator reads Chinese.
    assert "请确认 2027 年工作日历" in sent.get().subject
    assert "暂定" in sent.get().body


def test_api_marks_deadlines_on_the_provisional_calendar(demo, login):
    with time_machine.travel(at(2026, 12, 28, 10), tick=False):
        request = running_request(demo)
    problem = report(demo, request, now=at(2026, 12, 30, 10))
    client = login(demo["secretary"])

    body = client.get(f"/api/v1/problems/{problem.pk}/").json()
    assert body["response_due_provisional"] is True

    confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027), by=demo["admin"])
    body = client.get(f"/api/v1/problems/{problem.pk}/").json()
    assert body["response_due_provisional"] is False


def test_problem_ledger_marks_provisional_deadlines_on_screen_and_in_the_pdf_data(demo, login):
    from archive_app.services import problem_payload

    with time_machine.travel(at(2026, 12, 28, 10), tick=False):
        request = running_request(demo)
    report(demo, request, now=at(2026, 12, 30, 10))

    page = login(demo["secretary"]).get(reverse("archive:problems")).content.decode()
    assert 'data-testid="provisional"' in page

    payload = problem_payload(demo["secretary"], filters={}, language="zh-hans")
    assert payload["any_provisional"] is True
    assert payload["rows"][0]["response_due_provisional"] is True


def test_confirming_2027_moves_a_review_step_and_the_acknowledgement_on_the_timeline(
    demo, django_capture_on_commit_callbacks
):
    from requests_app.models import RequestEvent
    from requests_app.models.events import DEADLINE_MOVED as REQUEST_DEADLINE_MOVED
    from tests.requests_app.factories import make_request

    with time_machine.travel(at(2027, 2, 4, 17), tick=False):
        waiting = make_request(demo, stage="head_review")
        reached = make_request(demo, stage="awaiting_confirmation", to=("TE",))
    # Provisional: 5–10 February are estimated off, so one working day runs to the 11th.
    assert waiting.step_due_at == at(2027, 2, 11, 17)
    te = reached.departments.get()
    assert te.acknowledge_due == at(2027, 2, 11, 17)

    with django_capture_on_commit_callbacks(execute=True):
        result = confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))

    waiting.refresh_from_db()
    te.refresh_from_db()
    assert waiting.step_due_at == at(2027, 2, 5, 17)  # the eve is worked after all
    assert te.acknowledge_due == at(2027, 2, 5, 17)
    assert result.moved >= 2
    assert RequestEvent.objects.filter(request=waiting, verb=REQUEST_DEADLINE_MOVED).count() == 1
    assert RequestEvent.objects.filter(request=reached, verb=REQUEST_DEADLINE_MOVED).exists()
    told = Notification.objects.filter(event="workdays.deadlines_moved", recipient=demo["mt_head"])
    assert told.count() == 1


def test_pages_and_reminders_mark_a_provisional_deadline(
    demo, login, django_capture_on_commit_callbacks
):
    from tests.requests_app.factories import make_request

    with time_machine.travel(at(2027, 2, 4, 17), tick=False):
        waiting = make_request(demo, stage="head_review")
        page = login(demo["mt_head"]).get(reverse("requests:detail", args=[waiting.pk]))
    assert 'data-testid="provisional"' in page.content.decode()

    with (
        time_machine.travel(at(2027, 2, 11, 17, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        engine.sweep(now=at(2027, 2, 11, 17, 1))
    reminder = Notification.objects.filter(
        recipient=demo["mt_head"], event__startswith="notify.reminder"
    ).first()
    # mt_head reads Chinese: "（暂定）" is the provisional mark.
    assert reminder is not None and "2027年2月11日 17:00（暂定）" in reminder.body

    confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))
    with time_machine.travel(at(2027, 2, 4, 17), tick=False):
        page = login(demo["mt_head"]).get(reverse("requests:detail", args=[waiting.pk]))
    assert 'data-testid="provisional"' not in page.content.decode()


def test_request_api_marks_step_and_acknowledgement_deadlines_as_provisional(demo, login):
    from tests.requests_app.factories import make_request

    with time_machine.travel(at(2027, 2, 4, 17), tick=False):
        waiting = make_request(demo, stage="head_review")
        reached = make_request(demo, stage="awaiting_confirmation", to=("TE",))
        review = login(demo["mt_head"]).get(f"/api/v1/requests/{waiting.pk}/").json()
        answer = login(demo["te_liaison"]).get(f"/api/v1/requests/{reached.pk}/").json()

    assert review["step_due_at_provisional"] is True
    assert answer["departments"][0]["acknowledge_due_provisional"] is True


def test_my_work_marks_a_provisional_review_step(demo, login):
    from tests.requests_app.factories import make_request

    with time_machine.travel(at(2027, 2, 4, 17), tick=False):
        make_request(demo, stage="head_review")
        page = login(demo["mt_head"]).get("/").content.decode()
    assert 'data-testid="provisional"' in page

    confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))
    with time_machine.travel(at(2027, 2, 4, 17), tick=False):
        page = login(demo["mt_head"]).get("/").content.decode()
    assert 'data-testid="provisional"' not in page
