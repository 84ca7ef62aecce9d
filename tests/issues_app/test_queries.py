"""The Problems and Meetings pages, the problem and meeting pages and My work cost the
same number of queries for 1 and 30 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues_app import services
from issues_app.models import Grade, MeetingKind
from issues_app.work import work_items

from .factories import report, running_request

pytestmark = pytest.mark.django_db


def count(client, url):
    client.get(url)  # warm per-process caches (calendar, roles)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_problems(demo, request, n, *, graded=True):
    problems = []
    for i in range(n):
        problem = report(demo, request, title=f"Problem {i}", concerned=("PD", "TE"))
        if graded:
            problem = services.grade_problem(
                problem=problem, by=demo["secretary"], grade=Grade.IMPORTANT
            )
        problems.append(problem)
    return problems


@pytest.mark.parametrize("viewer", ["secretary", "pd_head"])
def test_problem_list_queries_constant_for_1_and_30(demo, client, viewer):
    request = running_request(demo)
    client.force_login(demo[viewer])
    url = reverse("issues:problems") + "?state=open"
    add_problems(demo, request, 1)
    one = count(client, url)
    add_problems(demo, request, 29)
    thirty = count(client, url)
    assert one == thirty


def test_problem_list_overdue_filter_queries_constant(demo, client):
    request = running_request(demo)
    client.force_login(demo["secretary"])
    url = reverse("issues:problems") + "?overdue=on&grade=important"
    add_problems(demo, request, 1)
    one = count(client, url)
    add_problems(demo, request, 29)
    assert count(client, url) == one


def schedule(demo, i, *, past=False, problems=()):
    delta = datetime.timedelta(days=-2 if past else 2, minutes=i)
    return services.schedule_meeting(
        by=demo["secretary"],
        title=f"Meeting {i}",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + delta,
        duration_minutes=30,
        place="Room",
        chair=demo["secretary"],
        attendees=[demo["te_liaison"], demo["pd_head"]],
        problems=problems,
    )


@pytest.mark.parametrize("view", ["upcoming", "minutes_due", "past"])
def test_meeting_list_queries_constant_for_1_and_30(demo, client, view):
    client.force_login(demo["te_liaison"])
    url = reverse("issues:meetings") + f"?view={view}"
    past = view != "upcoming"
    schedule(demo, 0, past=past)
    one = count(client, url)
    for i in range(1, 30):
        schedule(demo, i, past=past)
    assert count(client, url) == one


def test_problem_page_queries_constant_for_1_and_30_entries(demo, client):
    request = running_request(demo)
    problem = add_problems(demo, request, 1)[0]
    client.force_login(demo["pd_head"])
    url = reverse("issues:problem", args=[problem.pk])

    def add_entries(n):
        for i in range(n):
            services.add_entry(problem=problem, by=demo["pd_head"], kind="proposal", text=f"P{i}")

    add_entries(1)
    one = count(client, url)
    add_entries(29)
    assert count(client, url) == one


def test_meeting_page_queries_constant_for_1_and_30_agenda_items(demo, client):
    request = running_request(demo)
    problems = add_problems(demo, request, 30)
    one_meeting = schedule(demo, 0, past=True, problems=problems[:1])
    many_meeting = schedule(demo, 1, past=True, problems=problems)
    client.force_login(demo["secretary"])
    one = count(client, reverse("issues:meeting", args=[one_meeting.pk]))
    thirty = count(client, reverse("issues:meeting", args=[many_meeting.pk]))
    assert one == thirty


def test_work_items_queries_constant_for_1_and_30(demo):
    request = running_request(demo)

    def measure(user):
        work_items(user)
        with CaptureQueriesContext(connection) as captured:
            items = work_items(user)
        return len(captured.captured_queries), len(items)

    add_problems(demo, request, 1, graded=False)
    secretary_one, n = measure(demo["secretary"])
    head_one, _ = measure(demo["pd_head"])
    assert n == 1
    add_problems(demo, request, 29, graded=False)
    secretary_thirty, n = measure(demo["secretary"])
    assert n == 30
    assert secretary_one == secretary_thirty
    assert head_one == measure(demo["pd_head"])[0]
