"""The secretary runs the progress ledger; a completed request is reported, approved and
archived, read-only."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from requests_app import services as request_services
from tests.requests_app.factories import make_request


def test_secretary_filters_downloads_and_a_request_is_archived(page, demo_users, login_as):
    running = make_request(demo_users, stage="in_progress", title="Trade show booth")
    waiting = make_request(demo_users, requester="sa_staff", to=("TE",), stage="head_review")
    done = make_request(demo_users, stage="in_progress", title="Spring landing page")
    request_services.complete_request(request=done, by=None)

    login_as(page, "secretary")
    page.click("[data-nav=ledgers]")
    expect(page.locator("[data-testid=ledger-row]")).to_have_count(3)
    page.select_option("#id_state", "in_progress")
    page.click("[data-testid=ledger-filter]")
    expect(page.locator("[data-testid=ledger-row]")).to_have_count(1)
    expect(page.locator("[data-testid=ledger-row]")).to_have_attribute(
        "data-number", running.number
    )

    with page.expect_download() as pdf_download:
        page.click("[data-testid=export-pdf]")
    with open(pdf_download.value.path(), "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert running.number in text and waiting.number not in text
    assert pdf_download.value.suggested_filename.endswith(".pdf")

    with page.expect_download() as xlsx_download:
        page.click("[data-testid=export-xlsx]")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    with open(xlsx_download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [running.number]

    # The lead department (PD) drafts the completion report from the prefilled form.
    login_as(page, "pd_head")
    page.goto(f"{page.base_url}/ledgers/requests/{done.pk}/report/")
    expect(page.locator("#id_work_done")).to_contain_text(done.number)
    page.fill("#id_results", "Booth built; 300 leads")
    page.click("[data-testid=report-submit]")
    expect(page.locator("[data-testid=report-state]")).to_have_attribute("data-state", "submitted")

    # The requesting head approves; the request is archived and read-only.
    login_as(page, "mt_head")
    page.goto(f"{page.base_url}/ledgers/requests/{done.pk}/report/")
    page.click("[data-testid=report-approve]")
    expect(page.locator("[data-testid=read-only]")).to_be_visible()
    expect(page.locator("[data-testid=filing-label]")).to_contain_text(done.number)

    page.goto(f"{page.base_url}/ledgers/archive/?q=landing")
    expect(page.locator("[data-testid=archive-row]")).to_have_count(1)
    page.goto(f"{page.base_url}/requests/{done.pk}/")
    expect(page.locator("[data-testid=state-badge]")).to_have_attribute("data-state", "archived")
    assert "Server Error" not in page.content()
    page.goto(f"{page.base_url}/requests/{done.pk}/edit/")
    assert page.locator("form#request-form").count() == 0
