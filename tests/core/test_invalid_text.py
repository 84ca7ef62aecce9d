"""Text PostgreSQL cannot store (NUL) and other control characters are refused with a
400 and a reason, in one place, before any lookup can turn them into a server error.
Meaningful on both databases; on PostgreSQL these inputs used to give HTTP 500."""

import pytest
from django.urls import reverse


@pytest.fixture
def api(client, demo):
    client.force_login(demo["mt_staff"])
    return client


@pytest.mark.parametrize(
    "body",
    [
        {"departments": [{"department": "T\u0000E"}]},
        {"contact_phone": "a\u0000"},
        {"title": "ok", "departments": [{"department": "TE", "contact": "te_liaison\u0000"}]},
    ],
)
def test_api_refuses_nul_in_json_with_a_reason(api, body):
    response = api.post("/api/v1/requests/", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_characters"
    assert "NUL" in error["message"]


def test_api_refuses_nul_in_a_filter(api):
    response = api.get("/api/v1/problems/", {"department": "A\u0000D"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"


def test_page_refuses_nul_in_a_form_and_a_filter(api):
    page = api.get(reverse("requests:list"), {"q": "x\u0000"})
    assert page.status_code == 400
    assert "NUL" in page.content.decode()

    posted = api.post(reverse("requests:create"), {"title": "Landing\u0000page"})
    assert posted.status_code == 400


def test_ordinary_text_with_tabs_and_line_breaks_passes(api):
    response = api.get("/api/v1/problems/", {"q": "设计\t稿"})

    assert response.status_code == 200
