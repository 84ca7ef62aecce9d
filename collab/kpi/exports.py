"""The KPI table as an Excel workbook and the dashboard as a PDF."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from issues_app.models import Grade


def columns() -> list[str]:
    grades = [Grade(g).label for g in Grade.values]
    return [
        _("Department"),
        _("Requests filed"),
        _("Requests received"),
        _("On-time response rate (%)"),
        _("On-time acknowledgement rate (%)"),
        _("On-time completion rate (%)"),
        _("First-pass acceptance rate (%)"),
        _("Rejection rounds"),
        *[_("Problems raised: %(grade)s") % {"grade": g} for g in grades],
        *[_("Resolved on time (%%): %(grade)s") % {"grade": g} for g in grades],
        _("Average response speed"),
        _("Average professionalism"),
        _("Average cooperation"),
        _("Overdue now"),
    ]


def values(name: str, f) -> list:
    on_time = f.problems_resolved_on_time_rate
    return [
        name,
        f.filed,
        f.received,
        f.response_rate,
        f.acknowledgement_rate,
        f.completion_rate,
        f.first_pass_rate,
        f.rejections,
        *[f.problems_raised[g] for g in Grade.values],
        *[on_time[g] for g in Grade.values],
        f.avg_speed,
        f.avg_professionalism,
        f.avg_cooperation,
        f.overdue_now,
    ]


def _sanitize(value):
    # A cell starting with "=" would be a formula in Excel: department names are text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def workbook(board) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = board.period.label[:31].replace("/", "-")
    sheet.append([_("Collaboration KPIs"), board.period.label])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(columns())
    for cell in sheet[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for department, figures in board.rows:
        sheet.append(
            [_sanitize(v) for v in values(f"{department.code} {department.name}", figures)]
        )
    sheet.append(values(_("Company"), board.company))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index in range(1, len(columns()) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22 if index == 1 else 14
    sheet.freeze_panes = "B4"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
