"""Browser security headers: the Content-Security-Policy on every response, no-store for
whatever a signed-in person receives, and the other hardening headers. The browser test
tests/e2e/test_csp.py checks that the pages really run under the policy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from collab.kpi import charts
from tests.requests_app.factories import make_request

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy"
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: (value[0] if value else "") for name, *value in directives}


def assert_strict_policy(response):
    directives = policy(response)
    for name, value in STRICT.items():
        assert directives.get(name) == value, (name, directives)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def assert_hardening_headers(response):
    assert response["Permissions-Policy"] == PERMISSIONS
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def assert_no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, response.get("Cache-Control")


def assert_may_be_stored(response):
    assert "no-store" not in response.get("Cache-Control", ""), response.get("Cache-Control")


def test_signed_in_page(demo, login):
    response = login(demo["mt_staff"]).get(reverse("shell:my_work"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_hardening_headers(response)
    assert_no_store(response)


def test_login_page_has_the_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_hardening_headers(response)


def test_api_response_with_a_token(demo):
    token = Token.objects.create(user=demo["mt_staff"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/departments/")
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_hardening_headers(response)
    assert_no_store(response)


def test_api_response_with_a_session(demo, login):
    response = login(demo["te_staff"]).get("/api/v1/requests/")
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_no_store(response)


def test_api_refusal_to_a_stranger_has_the_policy():
    response = APIClient().get("/api/v1/requests/")
    assert response.status_code in (401, 403)
    assert_strict_policy(response)


def test_attachment_download(demo, login):
    request = make_request(demo, stage="draft")
    client = login(demo["mt_staff"])
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    client.post(reverse("requests:attachment_add", args=[request.pk]), {"attachments": upload})
    attachment = request.attachments.get()
    response = client.get(reverse("requests:attachment", args=[request.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"
    assert_strict_policy(response)
    assert_hardening_headers(response)
    assert_no_store(response)


def test_static_files_and_health_check_are_not_no_store(demo, login):
    client = login(demo["mt_staff"])
    static = client.get(settings.STATIC_URL + "css/app.css")
    assert static.status_code == 200
    assert_may_be_stored(static)
    assert static["X-Content-Type-Options"] == "nosniff"
    health = client.get(reverse("shell:healthz"))
    assert health.status_code == 200
    assert_may_be_stored(health)
    assert_strict_policy(health)


def test_admin_runs_under_the_strict_policy(demo, login):
    response = login(demo["admin"]).get("/admin/")
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_no_store(response)


def test_swagger_docs_run_under_the_strict_policy(demo, login):
    response = login(demo["mt_staff"]).get("/api/docs/")
    assert response.status_code == 200
    assert_strict_policy(response)
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html


def test_redoc_alone_may_have_inline_styles(demo, login):
    response = login(demo["mt_staff"]).get("/api/redoc/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["worker-src"] == "'self' blob:"
    assert directives["script-src"] == "'self'"
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html


def test_kpi_charts_live_under_the_strict_policy(demo, login):
    """The SVG charts style themselves with presentation attributes, so the dashboard
    needs no exception to the policy."""
    assert "<style" not in str(charts.bar_chart("t", ["a"], [("s", [1])]))
    assert "<style" not in str(charts.line_chart("t", ["a", "b"], [("s", [1, 2])]))
    response = login(demo["secretary"]).get(reverse("kpi:dashboard"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert "<style" not in response.content.decode()


TEMPLATES = Path(settings.BASE_DIR) / "templates"
NOT_PAGES = ("pdf/", "kpi/pdf.html")
INLINE = re.compile(
    r"<style[\s>]|<script(?![^>]*\s(?:src=|type=\"application/json\"))[^>]*>|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    re.I,
)
COMMENT = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.S)


def test_page_templates_have_no_inline_script_or_style():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(NOT_PAGES) or name.endswith("_body.html"):
            continue
        text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), path.read_text("utf-8"))
        for number, line in enumerate(text.splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)
