"""Ledgers: a 1,000-row progress ledger in Chinese as PDF, against WeasyPrint rendering a
bare HTML table of the same rows (same font, same run); its size; a repeat download
served from cache; and a 10,000-row Excel file against openpyxl writing plain values."""

import io
import time
from datetime import timedelta

from django.utils import timezone
from openpyxl import Workbook
from weasyprint import HTML

from archive_app import documents, excel, services
from archive_app.models import DocumentKind
from archive_app.rendering import StaticOnlyURLFetcher, static_url
from bench.harness import median_time
from collab.org.demo import seed_organisation
from collab.org.models import Department
from requests_app.models import Milestone, Request, RequestDepartment, State

ROWS = 1000
EXCEL_ROWS = 10_000


def _seed(users) -> None:
    departments = {d.code: d for d in Department.objects.all()}
    codes = list(departments)
    now = timezone.now()
    today = timezone.localdate()
    states = [State.IN_PROGRESS, State.AWAITING_CONFIRMATION, State.HEAD_REVIEW, State.COMPLETED]
    requests = []
    for i in range(ROWS):
        code = codes[i % len(codes)]
        requests.append(
            Request(
                number=f"{code}2026{(i % 12) + 1:02d}{i:03d}"[:20],
                title=f"跨部门协作事项 第{i}号：客户数据整理与季度报表",
                type="routine",
                state=states[i % len(states)],
                requester=users[f"{code.lower()}_staff"],
                requesting_department=departments[code],
                contact_phone="010-12345678",
                background_goal="背景与目标",
                content_deliverables="交付物标准",
                start_date=today - timedelta(days=i % 60),
                deadline=today + timedelta(days=(i % 90) - 30),
                submitted_at=now - timedelta(days=i % 60),
            )
        )
    Request.objects.bulk_create(requests)
    parts, milestones = [], []
    for i, request in enumerate(Request.objects.order_by("pk")):
        for offset in (1, 2):
            code = codes[(i + offset) % len(codes)]
            department = departments[code]
            parts.append(
                RequestDepartment(
                    request=request,
                    department=department,
                    contact=users[f"{code.lower()}_liaison"],
                    reached_at=now,
                    response_due=now + timedelta(hours=24 - i % 48),
                    answer="confirmed"
                    if request.state != State.AWAITING_CONFIRMATION
                    else "pending",
                )
            )
        milestones.append(
            Milestone(
                request=request, date=request.start_date + timedelta(days=7), description="初稿"
            )
        )
    RequestDepartment.objects.bulk_create(parts)
    Milestone.objects.bulk_create(milestones)


def _bare_table(rows) -> str:
    cells = "".join(
        f"<tr><td>{r['number']}</td><td>{r['title']}</td><td>{r['requesting_name']}</td>"
        f"<td>{'、'.join(r['addressed_names'])}</td><td>{r['state_label']}</td>"
        f"<td>{r['step']}</td><td>{r['deadline']}</td></tr>"
        for r in rows
    )
    return (
        "<html><head><style>"
        f"@font-face {{ font-family: F; src: url('{static_url('fonts/NotoSansSC-Regular.ttf')}'); }}"
        "@page { size: A4 landscape; } html { font-family: F; font-size: 8pt; }"
        "table { border-collapse: collapse; width: 100%; } td { border: .5pt solid #999; }"
        f"</style></head><body><table>{cells}</table></body></html>"
    )


def run(ctx) -> None:
    users = seed_organisation()
    _seed(users)
    secretary = users["secretary"]
    payload = services.progress_payload(secretary, filters={}, language="zh-hans")
    assert len(payload["rows"]) == ROWS

    result = {}

    def ours():
        result["pdf"] = documents.render(DocumentKind.PROGRESS_PDF, payload, "zh-hans")

    def floor():
        HTML(string=_bare_table(payload["rows"]), url_fetcher=StaticOnlyURLFetcher()).write_pdf()

    ours_t = median_time(ours, repeat=3, warmup=0)
    floor_t = median_time(floor, repeat=3, warmup=0)
    content, pages = result["pdf"]
    ctx.report(
        "progress ledger PDF, 1,000 rows, zh",
        f"{ours_t / floor_t:6.2f}× bare WeasyPrint table  (ours {ours_t:.1f} s, floor {floor_t:.1f} s)",
    )
    ctx.report(
        "progress ledger PDF size",
        f"{len(content) / 1024:.0f} KiB, {pages} pages ({len(content) / pages / 1024:.1f} KiB/page)",
    )

    # First download renders (eager queue); the repeat is served from the cache.
    client = ctx.client_for(secretary)
    client.cookies["django_language"] = "zh-hans"
    start = time.perf_counter()
    first = client.post("/ledgers/progress/export/pdf/", follow=True)
    first_t = time.perf_counter() - start
    assert first.status_code == 200, first.status_code

    def repeat():
        response = client.post("/ledgers/progress/export/pdf/")
        assert response.status_code == 302 and response.url.endswith("/download/"), response.url
        download = client.get(response.url)
        b"".join(download.streaming_content)

    ctx.report("progress ledger PDF, first download", f"{first_t:.1f} s (renders)")
    ctx.compare(
        "progress ledger PDF, repeat download (cache)",
        repeat,
        ctx.get(client, "/healthz"),
        "minimal view",
    )

    big = {"title": payload["title"], "rows": (payload["rows"] * (EXCEL_ROWS // ROWS))}

    def workbook():
        excel.progress_workbook(big)

    def plain():
        book = Workbook(write_only=True)
        sheet = book.create_sheet("x")
        for r in big["rows"]:
            sheet.append(
                [
                    r["number"],
                    r["title"],
                    r["requesting_name"],
                    r["state_label"],
                    r["deadline"],
                    r["start_date"],
                    r["step"],
                    r["holder"],
                ]
            )
        book.save(io.BytesIO())

    ours_t = median_time(workbook, repeat=3, warmup=0)
    floor_t = median_time(plain, repeat=3, warmup=0)
    ctx.report(
        "progress ledger Excel, 10,000 rows",
        f"{ours_t / floor_t:6.2f}× openpyxl plain values  (ours {ours_t:.2f} s, floor {floor_t:.2f} s)",
    )
