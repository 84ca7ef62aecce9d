"""Minutes due across the year end: counted in working days on the provisional calendar,
they move when the year is confirmed, like the other working-day deadlines."""

import datetime
import zoneinfo

import pytest
import time_machine

from collab.notify import reminders as engine
from collab.notify.models import Notification, Reminder
from collab.workdays import calendar
from collab.workdays.models import CalendarDay, CalendarYear
from collab.workdays.services import confirm_year, parse_notice
from issues_app import services
from issues_app.models import MeetingKind, events
from issues_app.reminders import MINUTES_KIND

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# Test data: the New Year break runs to Monday 4 January (the estimate has only the 1st
# off), made up on Saturday 9 January.
NOTICE_2027 = """
2027-01-01..2027-01-04 off 元旦
2027-01-09 on 元旦调休
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


def schedule(demo, *, kind, title):
    return services.schedule_meeting(
        by=demo["secretary"],
        title=title,
        kind=kind,
        starts_at=at(2026, 12, 31, 14),
        duration_minutes=60,
        place="Room 3",
        chair=demo["secretary"],
        attendees=[demo["te_liaison"], demo["pd_liaison"]],
        now=at(2026, 12, 28, 10),
    )


def test_confirming_2027_moves_the_minutes_due_and_tells_the_secretary_once(
    demo, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 12, 28, 10), tick=False):
        weekly = schedule(demo, kind=MeetingKind.WEEKLY, title="Year-end weekly meeting")
        urgent = schedule(demo, kind=MeetingKind.COORDINATION, title="Year-end coordination")
    # 31 Dec 15:00-18:00, 1 January estimated off, the weekend, then 6 h on the 4th.
    assert weekly.minutes_due == at(2027, 1, 4, 15)
    assert calendar.is_provisional(weekly.minutes_due)
    # Important matters: 24 calendar hours, which no holiday calendar moves.
    assert urgent.minutes_due == at(2027, 1, 1, 15)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        result = confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))

    weekly.refresh_from_db()
    urgent.refresh_from_db()
    assert result.moved == 1
    assert weekly.minutes_due == at(2027, 1, 5, 15)  # the 4th is off after all
    assert urgent.minutes_due == at(2027, 1, 1, 15)
    assert weekly.events.filter(verb=events.DEADLINE_MOVED).count() == 1
    assert not urgent.events.filter(verb=events.DEADLINE_MOVED).exists()
    open_rows = Reminder.objects.filter(
        kind=MINUTES_KIND, target_id=weekly.pk, sent_at__isnull=True, cancelled_at__isnull=True
    )
    assert {r.due_at for r in open_rows} == {at(2027, 1, 5, 15)}

    told = Notification.objects.filter(event="workdays.deadlines_moved")
    holders = {r.recipient_id for r in open_rows.filter(stage=engine.DUE)}
    assert holders == {demo["secretary"].pk}
    assert list(told.values_list("recipient_id", flat=True)) == [demo["secretary"].pk]
    assert "Year-end weekly meeting" in told.get().body

    # The same notice again changes nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        again = confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))
    weekly.refresh_from_db()
    assert (again.changes, again.moved) == ([], 0)
    assert weekly.minutes_due == at(2027, 1, 5, 15)
    assert weekly.events.filter(verb=events.DEADLINE_MOVED).count() == 1
    assert told.count() == 1


def test_published_minutes_keep_the_due_time_they_were_judged_against(
    demo, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 12, 28, 10), tick=False):
        weekly = schedule(demo, kind=MeetingKind.WEEKLY, title="Year-end weekly meeting")
    with time_machine.travel(at(2026, 12, 31, 16), tick=False):
        services.publish_minutes(meeting=weekly, by=demo["secretary"], now=at(2026, 12, 31, 16))

    with django_capture_on_commit_callbacks(execute=True):
        result = confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))

    weekly.refresh_from_db()
    assert result.moved == 0
    assert weekly.minutes_due == at(2027, 1, 4, 15)
    assert not weekly.events.filter(verb=events.DEADLINE_MOVED).exists()
