"""Thin views: the dashboard, the drill-down lists and the exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from archive_app.rendering import render_template_to_pdf

from . import charts, exports, items, permissions, selectors
from .forms import PeriodForm


def _board(request):
    if not permissions.can_see_kpis(request.user):
        raise PermissionDenied
    departments = permissions.departments_for(request.user)
    form = PeriodForm(request.GET or None, departments=departments)
    period = form.selected_period()
    department = form.selected_department()
    board = selectors.dashboard(
        period=period,
        departments=[department] if department else departments,
        department=department,
        with_ranking=permissions.sees_all_departments(request.user) and department is None,
    )
    return form, department, board


def trend_charts(board, department) -> list:
    labels = [p.label for p, _f in board.trend]
    scope = department.code if department else gettext("Company")
    figures = [f for _p, f in board.trend]
    return [
        charts.bar_chart(
            gettext("Requests filed and received (%(scope)s)") % {"scope": scope},
            labels,
            [
                (gettext("Filed"), [f.filed for f in figures]),
                (gettext("Received"), [f.received for f in figures]),
            ],
        ),
        charts.line_chart(
            gettext("On-time and first-pass rates (%(scope)s)") % {"scope": scope},
            labels,
            [
                (gettext("On-time response"), [f.response_rate for f in figures]),
                (gettext("On-time acknowledgement"), [f.acknowledgement_rate for f in figures]),
                (gettext("On-time completion"), [f.completion_rate for f in figures]),
                (gettext("First-pass acceptance"), [f.first_pass_rate for f in figures]),
            ],
            percent=True,
        ),
        charts.line_chart(
            gettext("Average ratings, 1 to 5 (%(scope)s)") % {"scope": scope},
            labels,
            [
                (gettext("Response speed"), [f.avg_speed for f in figures]),
                (gettext("Professionalism"), [f.avg_professionalism for f in figures]),
                (gettext("Cooperation"), [f.avg_cooperation for f in figures]),
            ],
        ),
    ]


def _context(request, form, department, board) -> dict:
    return {
        "form": form,
        "board": board,
        "department": department,
        "charts": trend_charts(board, department),
        "grades": selectors.GRADES,
        "sees_all": permissions.sees_all_departments(request.user),
    }


@login_required
@require_GET
def dashboard(request):
    form, department, board = _board(request)
    return render(request, "kpi/dashboard.html", _context(request, form, department, board))


@login_required
@require_GET
def item_list(request, metric):
    if not permissions.can_see_kpis(request.user):
        raise PermissionDenied
    chosen = items.METRICS.get(metric)
    if chosen is None:
        raise Http404
    departments = permissions.departments_for(request.user)
    form = PeriodForm(request.GET or None, departments=departments)
    period = form.selected_period()
    department = form.selected_department()
    columns, qs, row = items.items(request.user, chosen, period=period, department=department)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "kpi/items.html",
        {
            "metric": chosen,
            "period": period,
            "department": department,
            "columns": columns,
            "rows": [row(item) for item in page.object_list],
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def export_xlsx(request):
    _form, _department, board = _board(request)
    response = HttpResponse(
        exports.workbook(board),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-{board.period.start}.xlsx"'
    return response


@login_required
@require_GET
def export_pdf(request):
    form, department, board = _board(request)
    pdf = render_template_to_pdf(
        "kpi/pdf.html",
        _context(request, form, department, board),
        language=get_language(),
        title=gettext("Collaboration KPIs %(period)s") % {"period": board.period.label},
        orientation="landscape",
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kpi-{board.period.start}.pdf"'
    return response
