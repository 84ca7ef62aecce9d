"""Progress ledger: rows, visibility, filters, PDF (golden text), Excel (cell by cell), cache."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from archive_app import selectors, services
from archive_app.models import Document, DocumentStatus
from collab.org.models import Department
from tests.archive_app.conftest import embedded_fonts, pdf_text
from tests.requests_app.factories import make_request


def _render(callbacks, **kwargs):
    with callbacks(execute=True):
        document = services.request_ledger(**kwargs)
    document.refresh_from_db()
    return document


def _numbers(user, **filters):
    return [r.number for r in selectors.progress_ledger(user, filters=filters)]


def test_ledger_secretary_sees_all_others_what_they_may(demo, running):
    hr = make_request(demo, requester="hr_staff", to=("AD",), stage="head_review", title="HR only")
    assert set(_numbers(demo["secretary"])) == {running.number, hr.number}
    assert _numbers(demo["te_staff"]) == [running.number]
    assert _numbers(demo["fi_staff"]) == []


def test_ledger_hides_confidential_from_the_secretary_unless_named(demo):
    secret = make_request(demo, stage="in_progress", confidentiality="confidential")
    assert secret.number not in _numbers(demo["secretary"])
    assert secret.number in _numbers(demo["mt_head"])


def test_ledger_filters_by_department_state_period_and_overdue(demo, running):
    today = timezone.localdate()
    late = make_request(
        demo,
        requester="sa_staff",
        to=("FI",),
        stage="in_progress",
        start_date=today - timedelta(days=40),
        deadline=today - timedelta(days=1),
    )
    waiting = make_request(demo, requester="hr_staff", to=("AD",), stage="leader_review")
    secretary = demo["secretary"]
    fi = Department.objects.get(code="FI")
    assert _numbers(secretary, department=fi) == [late.number]
    assert _numbers(secretary, state="leader_review") == [waiting.number]
    assert _numbers(secretary, overdue=True) == [late.number]
    assert set(_numbers(secretary, date_to=today - timedelta(days=10))) == {late.number}
    assert late.number not in _numbers(secretary, date_from=today)
    assert _numbers(secretary, sort="deadline")[0] == late.number
    row = next(
        r
        for r in selectors.progress_rows(selectors.progress_ledger(secretary, filters={}))
        if r["number"] == late.number
    )
    assert row["overdue"] and row["overdue_reasons"] == ["deadline passed"]


def test_ledger_rows_show_step_holder_and_milestones(demo, running):
    waiting = make_request(demo, requester="sa_staff", to=("TE",), stage="head_review")
    rows = {
        r["number"]: r
        for r in selectors.progress_rows(
            selectors.with_ledger_relations(
                selectors.progress_ledger(demo["secretary"], filters={})
            )
        )
    }
    assert rows[waiting.number]["holder"] == demo["sa_head"].name
    assert rows[waiting.number]["step"] == "level-1 review: approve or return"
    assert rows[running.number]["milestones"][0]["text"] == "初稿"
    assert rows[running.number]["addressed"] == ["PD", "TE"]


def test_progress_pdf_english_golden(demo, running, django_capture_on_commit_callbacks):
    document = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        ledger="progress",
        fmt="pdf",
        filters={},
        language="en",
    )
    assert document.status == DocumentStatus.READY
    text, reader = pdf_text(document.file.read())
    assert "Cross-department collaboration progress ledger" in text
    assert running.number in text
    assert "春季活动落地页" in text
    assert "Page 1 of 1" in text
    assert len(reader.pages) == document.pages == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape
    assert round(float(reader.pages[0].mediabox.width)) == 842


def test_progress_pdf_chinese_uses_the_shipped_font(
    demo, running, django_capture_on_commit_callbacks
):
    for i in range(30):
        make_request(
            demo, requester="sa_staff", to=("MT",), stage="head_review", title=f"市场调研 {i}"
        )
    document = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        ledger="progress",
        fmt="pdf",
        filters={},
        language="zh-hans",
    )
    text, reader = pdf_text(document.file.read())
    assert "市场部" in text and "销售部" in text  # department names from the data
    assert running.number in text
    assert len(reader.pages) == document.pages > 1
    fonts = embedded_fonts(reader)
    # Only our own subset font: nothing from the system's CJK fonts stands in.
    assert fonts and all("Collab-Sans-SC" in name for name in fonts), fonts


def test_progress_excel_cell_by_cell(demo, running, django_capture_on_commit_callbacks):
    document = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        ledger="progress",
        fmt="xlsx",
        filters={},
        language="en",
    )
    assert document.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(document.file.read())).active
    header = [c.value for c in sheet[1]]
    assert header[:6] == [
        "Number",
        "Title",
        "Requesting department",
        "Requester",
        "Addressed departments",
        "State",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:R{sheet.max_row}"
    assert sheet.max_row == 2  # one row per request
    row = [c for c in sheet[2]]
    assert row[0].value == running.number and row[0].data_type == "s"
    assert row[1].value == "春季活动落地页"
    assert row[2].value == "Marketing"
    assert row[4].value == "Product, Technology"
    assert row[5].value == "In progress"
    assert row[8].value == f"{running.milestones.get().date.isoformat()} 初稿"
    assert row[9].value is None and row[10].value is None  # no tasks yet: empty, not 0
    assert row[13].value.date() == running.start_date and row[13].number_format == "yyyy-mm-dd"
    assert row[14].value.date() == running.deadline
    assert row[16].value == "No"
    assert sheet[1][0].font.b


def test_same_ledger_unchanged_is_served_from_cache(
    demo, running, django_capture_on_commit_callbacks
):
    kwargs = {
        "by": demo["secretary"],
        "ledger": "progress",
        "fmt": "pdf",
        "filters": {},
        "language": "en",
    }
    first = _render(django_capture_on_commit_callbacks, **kwargs)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = services.request_ledger(**kwargs)
    assert again.pk == first.pk and queued == []  # nothing rendered again
    other_language = _render(
        django_capture_on_commit_callbacks, **{**kwargs, "language": "zh-hans"}
    )
    assert other_language.pk != first.pk
    make_request(demo, requester="sa_staff", to=("TE",), stage="head_review")
    changed = _render(django_capture_on_commit_callbacks, **kwargs)
    assert changed.pk != first.pk and Document.objects.count() == 3


def test_failed_render_is_reported_and_retried(demo, running, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        document = services.request_ledger(
            by=demo["secretary"], ledger="progress", fmt="pdf", filters={}, language="en"
        )
    Document.objects.filter(pk=document.pk).update(kind="unknown_kind")
    with pytest.raises(KeyError):
        services.render_document(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    Document.objects.filter(pk=document.pk).update(kind="progress_pdf")
    retried = _render(
        django_capture_on_commit_callbacks,
        by=demo["secretary"],
        ledger="progress",
        fmt="pdf",
        filters={},
        language="en",
    )
    assert retried.pk == document.pk and retried.status == DocumentStatus.READY


# --- views ---------------------------------------------------------------------------


def test_ledger_page_lists_and_filters(demo, running, login):
    make_request(demo, requester="sa_staff", to=("FI",), stage="head_review", title="Budget")
    client = login(demo["secretary"])
    response = client.get(reverse("archive:ledgers"))
    assert response.status_code == 200
    assert response.content.count(b'data-testid="ledger-row"') == 2
    response = client.get(reverse("archive:ledgers"), {"state": "in_progress"})
    assert response.content.count(b'data-testid="ledger-row"') == 1
    assert running.number.encode() in response.content
    bad = client.get(
        reverse("archive:ledgers"),
        {"date_from": "2026-05-01", "date_to": "2026-04-01", "sort": "nonsense", "page": "x"},
    )
    assert bad.status_code == 200


def test_ledger_page_query_count_does_not_grow(demo, login):
    client = login(demo["secretary"])
    make_request(
        demo, stage="in_progress", milestones=[(timezone.localdate() + timedelta(days=3), "m")]
    )

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("archive:ledgers")).status_code == 200
        return len(captured.captured_queries)

    one = count()
    for _ in range(29):
        make_request(
            demo, stage="in_progress", milestones=[(timezone.localdate() + timedelta(days=3), "m")]
        )
    assert count() == one


def test_export_downloads_for_the_asker_only(
    demo, running, login, django_capture_on_commit_callbacks
):
    client = login(demo["secretary"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("archive:export", args=["progress", "xlsx"]) + "?state=in_progress"
        )
    document = Document.objects.get()
    assert response.status_code == 302
    # Rendered after the view's transaction committed: the status page links the file.
    assert response.url == reverse("archive:document", args=[document.key])
    assert (
        reverse("archive:download", args=[document.key]).encode()
        in client.get(response.url).content
    )
    again = client.post(reverse("archive:export", args=["progress", "xlsx"]) + "?state=in_progress")
    assert again.url == reverse("archive:download", args=[document.key])  # from cache
    download = client.get(again.url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    stranger = login(demo["fi_staff"])
    assert stranger.get(reverse("archive:download", args=[document.key])).status_code == 404
    assert stranger.get(reverse("archive:document", args=[document.key])).status_code == 404


def test_export_in_queue_shows_progress(demo, running, login, django_capture_on_commit_callbacks):
    client = login(demo["secretary"])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("archive:export", args=["progress", "pdf"]))
    document = Document.objects.get()
    assert response.url == reverse("archive:document", args=[document.key])
    page = client.get(response.url, headers={"HX-Request": "true"})
    assert b'data-status="queued"' in page.content and b"every 1s" in page.content
    assert client.get(reverse("archive:download", args=[document.key])).status_code == 302
    services.render_document(document_id=document.pk)
    page = client.get(response.url, headers={"HX-Request": "true"})
    assert b'data-status="ready"' in page.content and b"every 1s" not in page.content


def test_unknown_export_is_404(demo, login):
    client = login(demo["secretary"])
    assert client.post(reverse("archive:export", args=["progress", "docx"])).status_code == 404
    assert client.get(reverse("archive:export", args=["progress", "pdf"])).status_code == 405


def test_problem_ledger_page_renders(demo, login):
    assert login(demo["secretary"]).get(reverse("archive:problems")).status_code == 200
