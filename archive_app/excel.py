"""Ledgers as .xlsx: one row per item, typed cells, frozen header, filters on.

Written in openpyxl's write-only mode so 10,000 rows stay fast and small in memory.
Call inside translation.override for the reader's language."""

import io
import re
from datetime import date, datetime

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def _date(value: str | None):
    return date.fromisoformat(value) if value else None


def _datetime(value: str | None):
    return datetime.strptime(value, "%Y-%m-%d %H:%M") if value else None


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _workbook(title: str, columns: list[tuple[str, int, str | None]], rows) -> bytes:
    """columns: (header, width, number format or None); rows: lists of cell values."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, (_header, width, _fmt) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for text, _width, _fmt in columns:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    count = 0
    for values in rows:
        count += 1
        line = []
        for (_header, _width, fmt), value in zip(columns, values, strict=True):
            if fmt is None or value is None:
                line.append(value)
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if fmt:
                cell.number_format = fmt
            line.append(cell)
        sheet.append(line)
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _milestones(row: dict) -> str:
    return "; ".join(f"{m['date']} {m['text']}" for m in row["milestones"])


def progress_workbook(payload: dict) -> bytes:
    yes, no = gettext("Yes"), gettext("No")
    columns = [
        (gettext("Number"), 15, "@"),
        (gettext("Title"), 36, None),
        (gettext("Requesting department"), 16, None),
        (gettext("Requester"), 12, None),
        (gettext("Addressed departments"), 22, None),
        (gettext("State"), 14, None),
        (gettext("Current step"), 30, None),
        (gettext("Held by"), 20, None),
        (gettext("Milestones"), 36, None),
        (gettext("Task progress"), 12, "0%"),
        (gettext("Tasks"), 8, "0"),
        (gettext("Done"), 8, "0"),
        (gettext("Late tasks"), 10, "0"),
        (gettext("Start date"), 12, "yyyy-mm-dd"),
        (gettext("Deadline"), 12, "yyyy-mm-dd"),
        (gettext("Submitted"), 17, "yyyy-mm-dd hh:mm"),
        (gettext("Overdue"), 9, None),
        (gettext("Overdue because"), 24, None),
    ]
    rows = (
        [
            r["number"],
            r["title"],
            r["requesting_name"],
            r["requester"],
            ", ".join(r["addressed_names"]),
            r["state_label"],
            r["step"],
            r["holder"],
            _milestones(r),
            r["progress"] / 100 if r["progress"] is not None else None,
            r.get("tasks_total"),
            r.get("tasks_done"),
            r.get("tasks_late"),
            _date(r["start_date"]),
            _date(r["deadline"]),
            _datetime(r["submitted"]),
            yes if r["overdue"] else no,
            "; ".join(r["overdue_reasons"]),
        ]
        for r in payload["rows"]
    )
    return _workbook(payload["title"], columns, rows)


def problem_workbook(payload: dict) -> bytes:
    yes, no = gettext("Yes"), gettext("No")
    columns = [
        (gettext("Number"), 17, "@"),
        (gettext("Problem"), 36, None),
        (gettext("Request"), 15, "@"),
        (gettext("Task"), 18, "@"),
        (gettext("Grade"), 10, None),
        (gettext("Category"), 16, None),
        (gettext("Departments concerned"), 16, None),
        (gettext("Reported by"), 12, None),
        (gettext("Owner"), 12, None),
        (gettext("Reported"), 17, "yyyy-mm-dd hh:mm"),
        (gettext("Response due"), 17, "yyyy-mm-dd hh:mm"),
        (gettext("Solution due"), 17, "yyyy-mm-dd hh:mm"),
        (gettext("State"), 14, None),
        (gettext("Resolution"), 36, None),
        (gettext("Days open"), 10, "0"),
        (gettext("Overdue"), 9, None),
        (gettext("Overdue because"), 20, None),
    ]
    rows = (
        [
            r["number"],
            r["title"],
            r["request_number"],
            r["task_number"] or None,
            r["grade_label"],
            r["category"],
            ", ".join(r["departments"]),
            r["reporter"],
            r["owner"] or None,
            _datetime(r["reported_at"]),
            _datetime(r["response_due"]),
            _datetime(r["resolve_due"]),
            r["state_label"],
            r["resolution"] or None,
            r["days_open"],
            yes if r["overdue"] else no,
            "; ".join(r["overdue_reasons"]),
        ]
        for r in payload["rows"]
    )
    return _workbook(payload["title"], columns, rows)
