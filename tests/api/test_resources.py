"""Departments, notifications, tokens, and the list's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from collab.notify.models import Notification

from ..requests_app.factories import make_request

pytestmark = pytest.mark.django_db


def test_departments_list_and_detail(demo, api):
    client = api(demo["fi_staff"])
    data = client.get("/api/v1/departments/").json()
    codes = [d["code"] for d in data["results"]]
    assert codes == sorted(["MT", "TE", "PD", "SA", "FI", "HR", "AD"])
    te = next(d for d in data["results"] if d["code"] == "TE")
    assert te["head"]["username"] == "te_head"
    assert te["leader"]["username"] == "leader2"
    chinese = api(demo["fi_staff"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.get(f"/api/v1/departments/{te['id']}/").json()["name"] == "技术部"


def test_departments_are_read_only(demo, api):
    response = api(demo["admin"]).post("/api/v1/departments/", {"code": "XX"}, format="json")
    assert response.status_code == 405


def _notification(user, subject="Hello"):
    return Notification.objects.create(recipient=user, event="x", subject=subject, body="b")


def test_notifications_are_only_your_own(demo, api):
    mine = _notification(demo["mt_staff"], "Mine")
    theirs = _notification(demo["te_staff"], "Theirs")
    client = api(demo["mt_staff"])
    subjects = [n["subject"] for n in client.get("/api/v1/notifications/").json()["results"]]
    assert subjects == ["Mine"]
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True


def test_notifications_unread_filter_and_read_all(demo, api):
    _notification(demo["mt_staff"])
    _notification(demo["mt_staff"])
    client = api(demo["mt_staff"])
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 2
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    assert client.get("/api/v1/notifications/").json()["count"] == 2


def test_token_page_creates_shows_once_and_revokes(demo, login, anonymous_api):
    client = login(demo["mt_staff"])
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert b'data-testid="create-token"' in page.content
    created = client.post("/api/tokens/", {"action": "create"})
    key = Token.objects.get(user=demo["mt_staff"]).key
    assert key.encode() in created.content
    assert key.encode() not in client.get("/api/tokens/").content  # shown only once

    anonymous_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert anonymous_api.get("/api/v1/requests/").status_code == 200

    client.post("/api/tokens/", {"action": "create"})
    assert anonymous_api.get("/api/v1/requests/").status_code == 401  # replaced
    client.post("/api/tokens/", {"action": "revoke"})
    assert not Token.objects.filter(user=demo["mt_staff"]).exists()


def test_token_page_is_linked_from_user_menu(demo, login):
    assert b'href="/api/tokens/"' in login(demo["mt_staff"]).get("/").content


def test_admin_manages_everyones_tokens(demo, login):
    Token.objects.create(user=demo["te_staff"])
    response = login(demo["admin"]).get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 200
    assert demo["te_staff"].name in response.content.decode()


def test_session_writes_need_csrf(demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(demo["mt_staff"])
    assert client.get("/api/v1/requests/").status_code == 200
    response = client.post("/api/v1/notifications/read-all/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/requests/?page_size=100")
    assert response.status_code == 200
    return len(captured.captured_queries), response.json()["count"]


def test_list_query_count_does_not_grow_with_rows(demo, api):
    client = api(demo["te_head"])
    make_request(demo, stage="awaiting_confirmation")
    one, count = _list_queries(client)
    assert count == 1
    for i in range(29):
        make_request(demo, stage="awaiting_confirmation" if i % 2 else "in_progress")
    thirty, count = _list_queries(client)
    assert count == 30
    assert thirty == one


def test_detail_query_count_does_not_grow_with_departments_and_events(demo, api):
    small = make_request(demo, to=("TE",), stage="awaiting_confirmation")
    big = make_request(demo, to=("TE", "PD", "SA", "FI", "HR"), stage="in_progress")
    client = api(demo["mt_staff"])

    def queries(pk):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/requests/{pk}/").status_code == 200
        return len(captured.captured_queries)

    assert queries(small.pk) == queries(big.pk)


def test_kpis_follow_the_dashboard_rules(demo, api):
    make_request(demo, stage="head_review")
    data = api(demo["leader1"]).get("/api/v1/kpis/").json()
    assert len(data["departments"]) == 7
    assert data["company"]["requests_filed"] == 1
    assert len(data["trend"]) == 6
    assert data["ranking"]
    head = api(demo["te_head"]).get("/api/v1/kpis/").json()
    assert [d["code"] for d in head["departments"]] == ["TE"]
    assert head["ranking"] == []
    assert api(demo["te_staff"]).get("/api/v1/kpis/").status_code == 403
    bad = api(demo["leader1"]).get("/api/v1/kpis/?period=custom&start=2026-02-01")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "validation_error"
