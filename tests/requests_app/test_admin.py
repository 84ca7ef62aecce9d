import pytest
from django.urls import reverse

from collab.core.demo import SEEDERS
from requests_app.demo import seed_requests
from requests_app.models import ApprovalRules, Request, State

from .factories import make_request

pytestmark = pytest.mark.django_db


def test_admin_request_change_page_is_read_only(demo, client):
    request = make_request(demo, stage="head_review")
    client.force_login(demo["admin"])
    url = reverse("admin:requests_app_request_change", args=[request.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="state"' not in response.content
    assert b'name="title"' not in response.content
    client.post(url, {"title": "changed", "state": "in_progress"})
    request.refresh_from_db()
    assert request.title != "changed" and request.state == State.HEAD_REVIEW


def test_admin_cannot_add_or_delete_submitted_requests(demo, client):
    request = make_request(demo, stage="head_review")
    client.force_login(demo["admin"])
    assert client.get(reverse("admin:requests_app_request_add")).status_code == 403
    delete = reverse("admin:requests_app_request_delete", args=[request.pk])
    assert client.get(delete).status_code == 403
    assert Request.objects.filter(pk=request.pk).exists()


def test_admin_history_lists_changes(demo, client):
    request = make_request(demo, stage="leader_review")
    client.force_login(demo["admin"])
    response = client.get(reverse("admin:requests_app_request_history", args=[request.pk]))
    assert response.status_code == 200


def test_admin_changelist_hides_confidential_requests(demo, client):
    make_request(demo, stage="head_review", title="Secret merger", confidentiality="confidential")
    make_request(demo, stage="head_review", title="Open brochure")
    client.force_login(demo["admin"])
    html = client.get(reverse("admin:requests_app_request_changelist")).content.decode()
    assert "Open brochure" in html and "Secret merger" not in html


def test_admin_edits_approval_rule(demo, client):
    client.force_login(demo["admin"])
    rules = ApprovalRules.current()
    url = reverse("admin:requests_app_approvalrules_change", args=[rules.pk])
    days = {
        name: 1
        for name in (
            "head_review_days",
            "leader_review_days",
            "acknowledge_days",
            "breakdown_days",
            "report_draft_days",
            "report_approval_days",
        )
    }
    response = client.post(url, {"urgent_skips_leader_review": "on", **days})
    assert response.status_code == 302
    assert ApprovalRules.current().urgent_skips_leader_review is True


def test_demo_seeder_is_registered_and_idempotent(demo):
    assert seed_requests in SEEDERS
    seed_requests(demo)
    count = Request.objects.count()
    seed_requests(demo)
    assert Request.objects.count() == count
    assert Request.objects.filter(state=State.IN_PROGRESS).exists()
