"""KPI figures, who sees them, the drill-down, exports, and a fixed query count."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from collab.kpi import periods
from collab.workdays import calendar
from issues_app import services as issue_services
from issues_app.models import Grade
from requests_app.models import RequestDepartment
from tasks_app import services as task_services

from ..issues_app.factories import make_task, report, running_request
from ..requests_app.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def this_month() -> str:
    return periods.month_of(timezone.localdate()).query()


def deliver(task, link="https://intranet.example/x"):
    task_services.deliver_task(task=task, by=task.owner, links=[link])


@pytest.fixture
def scenario(demo):
    """MT files two requests to TE and PD. On the first, TE and PD answer in time and TE
    does two tasks: one accepted at once and in time, one rejected once and accepted
    late; then TE is rated. On the second, TE lets its answer run overdue. TE reports a
    general problem about PD."""
    first = running_request(demo)
    on_time = make_task(demo, first, name="Page")
    task_services.start_task(task=on_time, by=on_time.owner)
    deliver(on_time)
    task_services.accept_task(task=on_time, by=demo["mt_staff"])

    late = make_task(demo, first, name="Form")
    task_services.start_task(task=late, by=late.owner)
    deliver(late)
    task_services.reject_task(
        task=late,
        by=demo["mt_staff"],
        changes="Validation",
        new_deadline=timezone.localdate() + timedelta(days=2),
    )
    task_services.resume_task(task=late, by=late.owner)
    type(late).objects.filter(pk=late.pk).update(
        planned_finish=timezone.localdate() - timedelta(days=1)
    )
    late.refresh_from_db()
    deliver(late)
    task_services.accept_task(task=late, by=demo["mt_staff"])
    task_services.rate_department(
        request=first,
        department=late.department,
        by=demo["mt_staff"],
        speed=5,
        professionalism=4,
        cooperation=3,
    )

    second = make_request(demo, stage="awaiting_confirmation")
    RequestDepartment.objects.filter(request=second, department__code="TE").update(
        response_due=timezone.now() - timedelta(hours=1)
    )
    problem = report(demo, first)
    issue_services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    return {"first": first, "second": second}


def figures_of(response, code):
    board = response.context["board"]
    if code is None:
        return board.company
    return next(f for d, f in board.rows if d.code == code)


def test_figures_per_department_and_company(scenario, demo, login):
    response = login(demo["leader1"]).get(f"/kpi/?{this_month()}")
    assert response.status_code == 200
    mt, te, pd = (figures_of(response, c) for c in ("MT", "TE", "PD"))
    assert mt.filed == 2
    assert (te.received, pd.received) == (2, 2)
    assert (te.responses_due, te.responses_on_time, te.response_rate) == (2, 1, 50.0)
    assert pd.response_rate == 100.0  # the second request is still within PD's limit
    assert (te.tasks_accepted, te.completion_rate, te.first_pass_rate) == (2, 50.0, 50.0)
    assert te.rejections == 1
    assert (te.avg_speed, te.avg_professionalism, te.avg_cooperation) == (5.0, 4.0, 3.0)
    assert te.problems_raised[Grade.GENERAL] == 1
    assert te.overdue_responses == 1
    company = figures_of(response, None)
    assert (company.filed, company.received, company.tasks_accepted) == (2, 4, 2)
    assert (company.responses_due, company.response_rate) == (3, 66.7)
    ranking = response.context["board"].ranking
    assert [d.code for _rank, d, _f in ranking][:2] == ["PD", "TE"]
    content = response.content.decode()
    assert "<svg" in content and "kpi-chart" in content
    assert 'data-metric="filed"' in content


def test_trend_shows_previous_months(scenario, demo, login):
    response = login(demo["leader1"]).get(f"/kpi/?{this_month()}&department=TE")
    trend = response.context["board"].trend
    assert len(trend) == periods.TREND_LENGTH
    assert trend[-1][1].received == 2
    assert all(f.received == 0 for _p, f in trend[:-1])


def test_who_sees_kpis(demo, login):
    assert login(demo["mt_staff"]).get("/kpi/").status_code == 403
    assert login(demo["te_liaison"]).get("/kpi/").status_code == 403
    head = login(demo["te_head"]).get("/kpi/")
    assert head.status_code == 200
    assert [d.code for d, _f in head.context["board"].rows] == ["TE"]
    assert head.context["board"].ranking == []
    assert head.context["board"].company is not None
    # A head cannot pick another department.
    other = login(demo["te_head"]).get("/kpi/?department=MT")
    assert [d.code for d, _f in other.context["board"].rows] == ["TE"]
    for name in ("leader2", "secretary", "admin"):
        board = login(demo[name]).get("/kpi/").context["board"]
        assert len(board.rows) == 7, name


def test_navigation_entry_only_for_those_who_see_kpis(demo, login):
    assert b'data-nav="kpi"' in login(demo["te_head"]).get("/").content
    assert b'data-nav="kpi"' not in login(demo["te_staff"]).get("/").content


def test_drilldown_lists_the_items_and_hides_confidential_ones(demo, login):
    make_request(demo, stage="head_review", title="Open one")
    make_request(demo, stage="head_review", title="Secret one", confidentiality="confidential")
    client = login(demo["secretary"])
    response = client.get(f"/kpi/?{this_month()}")
    assert figures_of(response, "MT").filed == 2  # a count reveals nothing
    items = client.get(f"/kpi/items/filed/?{this_month()}&department=MT").content.decode()
    assert "Open one" in items
    assert "Secret one" not in items
    assert client.get("/kpi/items/nonsense/").status_code == 404
    assert login(demo["mt_staff"]).get("/kpi/items/filed/").status_code == 403


def test_every_drilldown_answers(scenario, demo, login):
    from collab.kpi.items import METRICS

    client = login(demo["leader1"])
    for metric in METRICS:
        response = client.get(f"/kpi/items/{metric}/?{this_month()}&department=TE")
        assert response.status_code == 200, metric
    rejected = client.get(f"/kpi/items/rejections/?{this_month()}&department=TE")
    assert "Form" in rejected.content.decode()


def test_excel_and_pdf_exports(scenario, demo, login):
    client = login(demo["leader1"])
    xlsx = client.get(f"/kpi/export.xlsx?{this_month()}")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    te = next(r for r in rows if r[0] and str(r[0]).startswith("TE "))
    # filed, received, on-time response, on-time acknowledgement, on-time completion
    assert te[1:6] == [0, 2, 50.0, 100.0, 50.0]
    assert rows[-1][0] == "Company"
    pdf = client.get(f"/kpi/export.pdf?{this_month()}")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_bad_period_input_falls_back_to_this_month(demo, login):
    response = login(demo["leader1"]).get("/kpi/?period=quarter&quarter=2026-Q9")
    assert response.status_code == 200
    assert response.context["board"].period == periods.month_of(timezone.localdate())
    custom = login(demo["leader1"]).get("/kpi/?period=custom&start=2026-01-01&end=2026-03-31")
    board = custom.context["board"]
    assert board.period.kind == "custom"
    assert [p.label for p, _f in board.trend] == ["2026-01", "2026-02", "2026-03"]


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/kpi/?{this_month()}").status_code == 200
    return len(captured.captured_queries)


def test_dashboard_query_count_does_not_grow_with_data(demo, login):
    client = login(demo["leader1"])
    running_request(demo)
    one = _dashboard_queries(client)
    for i in range(29):
        running_request(demo, to=("TE",) if i % 2 else ("PD", "SA"))
    assert _dashboard_queries(client) == one
