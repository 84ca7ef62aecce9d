"""The permission matrix, asked of the browser and of the API for every demo person:
the API must never show or allow more (or less) than the pages do.

Neither call changes anything: the browser's action pages are asked with GET (they show
the confirmation form), the API's actions get a body that fails validation, which is
checked only after visibility, role, If-Match and state."""

import pytest
from django.test import Client

from ..requests_app.factories import make_request
from .conftest import etag_of

pytestmark = pytest.mark.django_db

PEOPLE = sorted(
    ["admin", "secretary", "leader1", "leader2"]
    + [f"{c}_{r}" for c in ("mt", "te", "pd", "sa", "fi") for r in ("head", "liaison", "staff")]
)
STAGES = ["draft", "head_review", "leader_review", "awaiting_confirmation", "in_progress"]
UI = {200: "may", 302: "stale", 403: "forbidden", 404: "invisible"}
API = {400: "may", 409: "stale", 403: "forbidden", 404: "invisible"}
INVALID = {"comment": ["not a string"], "department": "TE", "text": ["not a string"]}


def ui_client(user):
    client = Client()
    client.force_login(user)
    return client


def outcomes(users, api, request, actions):
    table = {}
    for name in PEOPLE:
        user = users[name]
        ui, client = ui_client(user), api(user)
        seen_ui = ui.get(f"/requests/{request.pk}/").status_code
        seen_api = client.get(f"/api/v1/requests/{request.pk}/").status_code
        listed = request.pk in {
            row["id"] for row in client.get("/api/v1/requests/?page_size=100").json()["results"]
        }
        assert seen_ui == seen_api, (name, seen_ui, seen_api)
        assert listed == (seen_api == 200), name
        etag = etag_of(api(users["mt_staff"]), request.pk)
        for action, ui_url in actions.items():
            ui_status = ui.get(ui_url).status_code
            api_status = client.post(
                f"/api/v1/requests/{request.pk}/{action}/",
                INVALID,
                format="json",
                HTTP_IF_MATCH=etag,
            ).status_code
            assert UI[ui_status] == API[api_status], (name, action, ui_status, api_status)
            table[(name, action)] = API[api_status]
        table[(name, "see")] = seen_api == 200
    return table


def request_actions(request):
    base = f"/requests/{request.pk}"
    te = request.departments.get(department__code="TE")
    return {
        "submit": f"{base}/submit/",
        "approve": f"{base}/approve/",
        "return": f"{base}/return/",
        "withdraw": f"{base}/withdraw/",
        "confirm": f"{base}/departments/{te.pk}/answer/",
        "decline": f"{base}/departments/{te.pk}/answer/",
        "ask": f"{base}/departments/{te.pk}/ask/",
    }


def who(table, action, outcome):
    return {name for (name, act), value in table.items() if act == action and value == outcome}


@pytest.mark.parametrize("stage", STAGES)
def test_api_matches_browser_for_every_person(demo, api, stage):
    request = make_request(demo, stage=stage)
    table = outcomes(demo, api, request, request_actions(request))

    # A few cells spelled out, so the matrix cannot agree with the pages by both being wrong.
    if stage == "draft":
        assert who(table, "see", True) == {"mt_staff"}
        assert who(table, "submit", "may") == {"mt_staff"}
    if stage == "head_review":
        assert who(table, "approve", "may") == {"mt_head"}
        assert who(table, "approve", "stale") == {"leader1"}
        assert "te_liaison" not in who(table, "see", True)
    if stage == "leader_review":
        assert who(table, "approve", "may") == {"leader1"}
        assert who(table, "return", "stale") == {"mt_head"}
    if stage == "awaiting_confirmation":
        assert who(table, "confirm", "may") == {"te_head", "te_liaison"}
        assert who(table, "withdraw", "may") == {"mt_staff"}
        assert {"te_staff", "pd_staff", "secretary", "admin"} <= who(table, "see", True)
        assert "fi_staff" not in who(table, "see", True)
    if stage == "in_progress":
        assert who(table, "withdraw", "stale") == {"mt_staff"}
        assert who(table, "confirm", "stale") == {"te_head", "te_liaison"}
        assert who(table, "approve", "may") == set()


def test_confidential_request_is_invisible_beyond_the_people_named(demo, api):
    request = make_request(
        demo,
        stage="awaiting_confirmation",
        confidentiality="confidential",
        contacts={"TE": "te_staff"},
    )
    table = outcomes(demo, api, request, request_actions(request))
    assert who(table, "see", True) == {
        "mt_staff",
        "mt_head",
        "leader1",
        "te_staff",  # the named contact
        "te_head",
        "pd_liaison",
        "pd_head",
    }
    # Invisible means 404 everywhere, also for actions and for the secretary.
    response = api(demo["secretary"]).get(f"/api/v1/requests/{request.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_request_is_404_like_an_invisible_one(demo, api):
    assert api(demo["mt_staff"]).get("/api/v1/requests/987654/").status_code == 404
    response = api(demo["fi_staff"]).post("/api/v1/requests/987654/approve/", {}, format="json")
    assert response.status_code == 404
