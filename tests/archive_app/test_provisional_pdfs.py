"""The progress ledger and the dossier PDFs footnote, with an asterisk, the working-day
deadlines that fall in a year whose holiday calendar is still provisional, as the
problem ledger PDF does; once the year is confirmed the mark and the footnote go."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from archive_app import services
from archive_app.sources.common import when
from collab.workdays import calendar
from collab.workdays.models import CalendarDay, CalendarYear
from collab.workdays.services import confirm_year, parse_notice
from tasks_app import services as task_services
from tests.archive_app.conftest import pdf_text
from tests.archive_app.factories import problem, task, upload
from tests.requests_app.factories import make_request

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FOOTNOTE = "Provisional: this year's official holiday schedule is not confirmed yet"
# Test data: the eve of the Spring Festival (5 February, estimated off) is worked.
NOTICE_2027 = """
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
THURSDAY = datetime.datetime(2027, 2, 4, 17, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def provisional_2027(db):
    CalendarYear.objects.filter(year=2027).delete()
    CalendarDay.objects.filter(date__year=2027).delete()
    calendar.invalidate()
    yield
    calendar.invalidate()


def _text(document) -> str:
    document.refresh_from_db()
    text, _reader = pdf_text(document.file.read())
    return " ".join(text.split())  # cells wrap


def _starred(text: str, due: str) -> bool:
    return re.search(re.escape(due) + r"\s?\*", text) is not None


def _progress_pdf(demo, callbacks) -> str:
    with time_machine.travel(THURSDAY, tick=False), callbacks(execute=True):
        document = services.request_ledger(
            by=demo["secretary"], ledger="progress", fmt="pdf", filters={}, language="en"
        )
    return _text(document)


def _dossier_pdf(demo, callbacks, request) -> str:
    with time_machine.travel(THURSDAY, tick=False), callbacks(execute=True):
        document = services.request_dossier(by=demo["mt_staff"], request=request, language="en")
    return _text(document)


def _confirm_2027() -> None:
    confirm_year(year=2027, days=parse_notice(NOTICE_2027, year=2027))
    calendar.invalidate()


def test_progress_pdf_marks_a_provisional_step_due(demo, django_capture_on_commit_callbacks):
    with time_machine.travel(THURSDAY, tick=False):
        waiting = make_request(demo, stage="head_review")
    # Provisional: 5-10 February are estimated off, so one working day runs to the 11th.
    assert when(waiting.step_due_at) == "2027-02-11 17:00"

    text = _progress_pdf(demo, django_capture_on_commit_callbacks)
    assert waiting.number in text
    assert _starred(text, "2027-02-11 17:00")
    assert FOOTNOTE in text

    _confirm_2027()
    text = _progress_pdf(demo, django_capture_on_commit_callbacks)
    assert "2027-02-05 17:00" in text  # the eve is worked after all
    assert not _starred(text, "2027-02-05 17:00")
    assert FOOTNOTE not in text


def test_dossier_pdf_marks_provisional_step_and_acknowledgement_deadlines(
    demo, django_capture_on_commit_callbacks
):
    with time_machine.travel(THURSDAY, tick=False):
        waiting = make_request(demo, stage="head_review")
        reached = make_request(demo, stage="awaiting_confirmation", to=("TE",))
    assert when(reached.departments.get().acknowledge_due) == "2027-02-11 17:00"

    text = _dossier_pdf(demo, django_capture_on_commit_callbacks, waiting)
    assert _starred(text, "Current step due 2027-02-11 17:00")
    assert FOOTNOTE in text
    text = _dossier_pdf(demo, django_capture_on_commit_callbacks, reached)
    assert _starred(text, "acknowledgement due 2027-02-11 17:00")
    assert FOOTNOTE in text

    _confirm_2027()
    text = _dossier_pdf(demo, django_capture_on_commit_callbacks, reached)
    assert "acknowledgement due 2027-02-05 17:00" in text
    assert not _starred(text, "2027-02-05 17:00")
    assert FOOTNOTE not in text


def test_dossier_pdf_marks_provisional_problem_and_feedback_deadlines(
    demo, django_capture_on_commit_callbacks
):
    with time_machine.travel(THURSDAY, tick=False):
        request = make_request(demo, stage="in_progress")
        te = task(demo, request)
        task_services.start_task(task=te, by=te.owner)
        round_ = task_services.deliver_task(task=te, by=te.owner, note="Done", files=[upload()])
        reported = problem(demo, request)
    response_due, feedback_due = when(reported.response_due), when(round_.feedback_due)
    assert calendar.is_provisional(reported.response_due)
    assert calendar.is_provisional(round_.feedback_due)

    text = _dossier_pdf(demo, django_capture_on_commit_callbacks, request)
    assert _starred(text, f"Response due: {response_due}")
    assert _starred(text, f"feedback due {feedback_due}")
    assert FOOTNOTE in text
