import pytest

from collab.org.models import Department
from issues_app import services
from issues_app.figures import department_figures
from issues_app.models import Grade

from .factories import at, report, running_request

pytestmark = pytest.mark.django_db


def test_department_figures_count_raised_responses_and_on_time_resolutions(demo):
    request = running_request(demo)
    pd = Department.objects.get(code="PD")
    on_time = report(demo, request, now=at("2026-11-16 10:00"))
    services.respond(
        problem=on_time, department=pd, by=demo["pd_head"], text="OK", now=at("2026-11-17 10:00")
    )
    on_time = services.grade_problem(
        problem=on_time, by=demo["secretary"], grade=Grade.GENERAL, now=at("2026-11-16 11:00")
    )
    services.resolve_problem(
        problem=on_time, by=demo["mt_head"], resolution="Done", now=at("2026-11-17 09:00")
    )
    late = report(demo, request, now=at("2026-11-16 10:00"))
    late = services.grade_problem(
        problem=late, by=demo["secretary"], grade=Grade.GENERAL, now=at("2026-11-16 11:00")
    )
    services.escalate_overdue_problems(now=at("2026-11-17 12:00"))
    services.respond(
        problem=late, department=pd, by=demo["pd_head"], text="Late", now=at("2026-11-19 10:00")
    )
    services.resolve_problem(
        problem=late, by=demo["secretary"], resolution="Done", now=at("2026-11-19 11:00")
    )
    report(demo, request, now=at("2026-12-01 10:00"))  # outside the period

    figures = department_figures(start=at("2026-11-01 00:00"), end=at("2026-12-01 00:00"))
    te = Department.objects.get(code="TE").pk
    mt = Department.objects.get(code="MT").pk
    ad = Department.objects.get(code="AD").pk  # the secretary's department
    assert figures[te]["raised"] == 2
    assert figures[pd.pk]["concerned"] == 2
    assert figures[pd.pk]["responded_on_time"] == 1
    assert figures[mt]["resolved"] == 1 and figures[mt]["resolved_on_time"] == 1
    assert figures[ad]["resolved"] == 1 and figures[ad]["resolved_on_time"] == 0
