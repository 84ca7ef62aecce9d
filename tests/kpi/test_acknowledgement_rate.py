"""The on-time acknowledgement rate: an addressed department acknowledges receipt
within 1 working day; receipts acknowledged and those overdue count, a receipt not yet
due does not."""

import datetime
import zoneinfo
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from collab.kpi import periods
from collab.workdays import calendar
from requests_app import services as request_services
from tests.requests_app.factories import make_request

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 11, 16, 10, tzinfo=SHANGHAI)
WEDNESDAY = datetime.datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
LOOKED_AT = datetime.datetime(2026, 11, 18, 15, tzinfo=SHANGHAI)
NOVEMBER = periods.month_of(MONDAY.date()).query()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def _acknowledge(request, code, by, at):
    rd = request.departments.get(department__code=code)
    with time_machine.travel(at, tick=False):
        request_services.acknowledge_receipt(request_department=rd, by=by, now=at)


@pytest.fixture
def receipts(demo):
    """Reached on Monday 10:00 (due Tuesday 10:00): TE acknowledges that afternoon, PD
    on Wednesday, HR never. Reached on Wednesday 10:00: FI, not due before Thursday."""
    with time_machine.travel(MONDAY, tick=False):
        monday = make_request(demo, stage="awaiting_confirmation", to=("TE", "PD", "HR"))
    assert monday.departments.get(department__code="TE").acknowledge_due == MONDAY.replace(day=17)
    _acknowledge(monday, "TE", demo["te_liaison"], MONDAY.replace(hour=15))
    _acknowledge(monday, "PD", demo["pd_liaison"], WEDNESDAY.replace(hour=11))
    with time_machine.travel(WEDNESDAY, tick=False):
        make_request(demo, stage="awaiting_confirmation", to=("FI",), title="Budget figures")
    return monday


def _board(client):
    with time_machine.travel(LOOKED_AT, tick=False):
        return client.get(f"/kpi/?{NOVEMBER}")


def test_acknowledgements_on_time_late_and_not_yet_due(receipts, demo, login):
    response = _board(login(demo["leader1"]))
    assert response.status_code == 200
    board = response.context["board"]
    rows = {d.code: f for d, f in board.rows}

    te, pd, hr, fi = rows["TE"], rows["PD"], rows["HR"], rows["FI"]
    assert (te.acknowledgements_due, te.acknowledgements_on_time) == (1, 1)
    assert te.acknowledgement_rate == 100.0
    assert (pd.acknowledgements_due, pd.acknowledgements_on_time) == (1, 0)
    assert pd.acknowledgement_rate == 0.0
    # Never acknowledged and past the limit: late, as an overdue response is.
    assert (hr.acknowledgements_due, hr.acknowledgements_on_time) == (1, 0)
    # Reached, not acknowledged, not due yet: not counted at all.
    assert fi.received == 1
    assert (fi.acknowledgements_due, fi.acknowledgement_rate) == (0, None)
    assert (board.company.acknowledgements_due, board.company.acknowledgement_rate) == (3, 33.3)

    content = response.content.decode()
    assert "On-time acknowledgement" in content
    assert 'data-metric="acknowledgements"' in content


def test_acknowledgement_drilldown_lists_the_counted_receipts(receipts, demo, login):
    client = login(demo["leader1"])
    with time_machine.travel(LOOKED_AT, tick=False):
        late = client.get(f"/kpi/items/acknowledgements/?{NOVEMBER}&department=PD")
        not_due = client.get(f"/kpi/items/acknowledgements/?{NOVEMBER}&department=FI")
    assert late.status_code == 200
    assert late.context["rows"][0][1][-1] == "no"
    assert "Acknowledgement due" in late.content.decode()
    assert not_due.context["rows"] == []


def test_api_and_excel_give_the_acknowledgement_rate_next_to_the_response_rate(
    receipts, demo, login
):
    client = login(demo["leader1"])
    with time_machine.travel(LOOKED_AT, tick=False):
        body = client.get(f"/api/v1/kpis/?{NOVEMBER}").json()
        xlsx = client.get(f"/kpi/export.xlsx?{NOVEMBER}")

    figures = {d["code"]: d["figures"] for d in body["departments"]}
    assert figures["TE"]["on_time_acknowledgement_rate"] == 100.0
    assert figures["PD"]["acknowledgements_due"] == 1
    assert figures["PD"]["acknowledgements_on_time"] == 0
    assert figures["FI"]["on_time_acknowledgement_rate"] is None
    assert body["company"]["on_time_acknowledgement_rate"] == 33.3

    rows = [[c.value for c in row] for row in load_workbook(BytesIO(xlsx.content)).active]
    header = rows[2]
    rate = header.index("On-time acknowledgement rate (%)")
    assert header[rate - 1] == "On-time response rate (%)"
    pd_row = next(r for r in rows if r[0] and str(r[0]).startswith("PD "))
    assert pd_row[rate] == 0.0
