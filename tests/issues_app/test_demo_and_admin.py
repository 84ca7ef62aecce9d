import pytest
from django.urls import reverse

from issues_app.demo import DEMO_PROBLEM, seed_issues
from issues_app.models import Meeting, MeetingSeries, Problem
from requests_app.demo import seed_requests

pytestmark = pytest.mark.django_db


def test_demo_seeding_is_idempotent(demo):
    seed_requests(demo)
    seed_issues(demo)
    seed_issues(demo)
    assert Problem.objects.filter(title=DEMO_PROBLEM).count() == 1
    assert Problem.objects.count() == 2
    assert MeetingSeries.objects.count() == 1
    assert Meeting.objects.count() == 1


def test_admin_lists_problems_and_meetings_read_only(demo, client):
    seed_requests(demo)
    seed_issues(demo)
    client.force_login(demo["admin"])
    for name in ("problem", "meeting", "meetingseries", "issuesettings"):
        assert client.get(reverse(f"admin:issues_app_{name}_changelist")).status_code == 200
    problem = Problem.objects.first()
    page = client.get(reverse("admin:issues_app_problem_change", args=[problem.pk]))
    assert page.status_code == 200
    assert reverse("admin:issues_app_problem_add") not in page.content.decode()
    assert client.get(reverse("admin:issues_app_problem_add")).status_code == 403
