"""Problem ledger (跨部门协作问题台账): rows, visibility, filters, sorting, pages, PDF
(golden text), Excel (cell by cell), constant queries."""

import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from archive_app import services, sources
from archive_app.models import DocumentStatus
from collab.org.models import Department
from issues_app import services as issue_services
from issues_app.models import Problem
from tests.archive_app.conftest import embedded_fonts, pdf_text
from tests.archive_app.factories import graded, problem
from tests.requests_app.factories import make_request


def _numbers(user, **filters):
    return [
        p.number for p in sources.problem_ledger(user, filters=filters).select_related("request")
    ]


def _rows(user, **filters):
    return {r["number"]: r for r in sources.problem_ledger_rows(user, filters)}


def _render(callbacks, **kwargs):
    with callbacks(execute=True):
        document = services.request_ledger(ledger="problem", **kwargs)
    document.refresh_from_db()
    return document


def test_problem_rows_show_grade_owner_limits_state_and_days_open(demo, running):
    p = graded(demo, running, grade="important")
    row = _rows(demo["secretary"])[p.number]
    assert row["number"] == f"{running.number}-Q01"
    assert row["grade_label"] == "Important" and row["category"] == "Information mismatch"
    assert row["owner"] == p.owner.name
    assert row["response_due"] and row["resolve_due"]
    assert row["state_label"] == "Being handled" and row["days_open"] == 0
    assert row["departments"] == ["PD"] and not row["overdue"]


def test_problem_ledger_inherits_request_visibility(demo, running):
    p = problem(demo, running)
    secret = make_request(demo, stage="in_progress", confidentiality="confidential", to=("TE",))
    hidden = problem(demo, secret, by="mt_staff", concerned=("TE",), title="保密问题")
    assert set(_numbers(demo["mt_head"])) == {p.number, hidden.number}
    assert _numbers(demo["secretary"]) == [p.number]  # not named on the confidential one
    assert _numbers(demo["fi_staff"]) == []


def test_problem_ledger_filters_and_sorting(demo, running):
    today = timezone.localdate()
    general = graded(demo, running, grade="general", title="General one")
    major = graded(demo, running, grade="major", title="Major one", concerned=("TE",))
    waiting = problem(demo, running, title="Not graded", concerned=("PD",))
    secretary = demo["secretary"]
    assert _numbers(secretary, grade="major") == [major.number]
    assert _numbers(secretary, grade="ungraded") == [waiting.number]
    assert _numbers(secretary, state="reported") == [waiting.number]
    te = Department.objects.get(code="TE")
    assert set(_numbers(secretary, department=te)) == {general.number, major.number, waiting.number}
    pd_only = Department.objects.get(code="PD")
    assert major.number not in _numbers(secretary, department=pd_only)
    assert _numbers(secretary, sort="grade")[0] == major.number
    assert _numbers(secretary, sort="number") == [general.number, major.number, waiting.number]
    # The period: reported by its end, not closed before its start.
    Problem.objects.filter(pk=general.pk).update(reported_at=timezone.now() - timedelta(days=20))
    assert _numbers(secretary, date_to=today - timedelta(days=10)) == [general.number]
    issue_services.dismiss_problem(problem=waiting, by=secretary, reason="Duplicate")
    Problem.objects.filter(pk=waiting.pk).update(closed_at=timezone.now() - timedelta(days=5))
    assert waiting.number not in _numbers(secretary, date_from=today - timedelta(days=1))
    assert waiting.number in _numbers(secretary, date_from=today - timedelta(days=6))
    # Overdue: the limit passed without the step, or the response is late.
    assert _numbers(secretary, overdue=True) == []
    Problem.objects.filter(pk=major.pk).update(due_at=timezone.now() - timedelta(hours=1))
    Problem.objects.filter(pk=general.pk).update(response_due=timezone.now() - timedelta(hours=1))
    assert set(_numbers(secretary, overdue=True)) == {major.number, general.number}
    rows = _rows(secretary)
    assert rows[major.number]["overdue_reasons"] == ["deadline passed"]
    assert "answer late" in rows[general.number]["overdue_reasons"]
    assert rows[general.number]["days_open"] == 20
    assert rows[waiting.number]["resolution"] == "Duplicate" and rows[waiting.number]["closed"]


def test_problem_ledger_page_filters_sorts_and_pages(demo, running, login):
    for i in range(27):
        problem(demo, running, title=f"问题 {i:02d}")
    graded(demo, running, grade="major", title="Big one")
    client = login(demo["secretary"])
    url = reverse("archive:problems")
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b'data-testid="problem-row"') == 25
    assert b"page=2" in page.content
    second = client.get(url, {"page": 2})
    assert second.content.count(b'data-testid="problem-row"') == 3
    major = client.get(url, {"grade": "major"})
    assert major.content.count(b'data-testid="problem-row"') == 1 and b"Big one" in major.content
    first = client.get(url, {"sort": "number"}).content.decode()
    assert first.index("-Q01") < first.index("-Q02")
    assert client.get(url, {"sort": "nonsense", "page": "x", "grade": "??"}).status_code == 200
    ledgers = client.get(reverse("archive:ledgers")).content
    assert url.encode() in ledgers  # linked from the ledgers page


def test_problem_ledger_page_query_count_does_not_grow(demo, login):
    client = login(demo["secretary"])

    def add():
        request = make_request(demo, stage="in_progress")
        graded(demo, request, grade="general")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("archive:problems")).status_code == 200
        return len(captured.captured_queries)

    add()
    one = count()
    for _ in range(24):
        add()
    assert count() == one


def test_problem_pdf_english_golden(demo, running, django_capture_on_commit_callbacks):
    p = graded(demo, running, grade="major")
    document = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        fmt="pdf",
        filters={"grade": "major"},
        language="en",
    )
    assert document.status == DocumentStatus.READY
    text, reader = pdf_text(document.file.read())
    text = " ".join(text.split())  # cells wrap
    assert "Cross-department collaboration problem ledger" in text
    assert p.number in text and "设计稿延迟" in text
    assert "Major" in text and "Information mismatch" in text
    assert p.owner.name in text
    assert "Grade: Major" in text
    assert "Page 1 of 1" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height


def test_problem_pdf_chinese_uses_the_shipped_font(
    demo, running, django_capture_on_commit_callbacks
):
    for i in range(40):
        problem(demo, running, title=f"资源冲突 {i}")
    document = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        fmt="pdf",
        filters={},
        language="zh-hans",
    )
    text, reader = pdf_text(document.file.read())
    assert "跨部门协作问题台账" in text
    assert "资源冲突 39" in text and "信息不对称" in text
    assert len(reader.pages) == document.pages > 1
    fonts = embedded_fonts(reader)
    assert fonts and all("Collab-Sans-SC" in name for name in fonts), fonts


def test_problem_excel_cell_by_cell(demo, running, django_capture_on_commit_callbacks):
    p = graded(demo, running, grade="general")
    Problem.objects.filter(pk=p.pk).update(response_due=timezone.now() - timedelta(hours=1))
    document = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        fmt="xlsx",
        filters={},
        language="en",
    )
    assert document.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(document.file.read())).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Number", "Problem", "Request", "Task", "Grade"]
    assert header[-3:] == ["Days open", "Overdue", "Overdue because"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Q2"
    row = list(sheet[2])
    assert row[0].value == p.number and row[0].data_type == "s"
    assert row[1].value == "设计稿延迟"
    assert row[2].value == running.number
    assert row[4].value == "General" and row[5].value == "Information mismatch"
    assert row[6].value == "PD"
    assert row[7].value == demo["te_staff"].name
    assert (
        row[9].value.date() == timezone.localdate() and row[9].number_format == "yyyy-mm-dd hh:mm"
    )
    assert row[12].value == "Being handled"
    assert row[14].value == 0 and row[15].value == "Yes" and row[16].value == "answer late"


def test_problem_export_view_uses_the_problem_filters(
    demo, running, login, django_capture_on_commit_callbacks
):
    graded(demo, running, grade="major")
    client = login(demo["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:export", args=["problem", "xlsx"]) + "?grade=major")
    assert response.status_code == 302
    bad = client.post(
        reverse("archive:export", args=["problem", "pdf"])
        + "?date_from=2026-05-01&date_to=2026-04-01"
    )
    assert bad.url.startswith(reverse("archive:problems"))
