"""Requests, tasks, problems and meetings built through the real services."""

import datetime
import zoneinfo
from datetime import timedelta

from django.utils import timezone

from collab.org.models import Department
from issues_app import services
from requests_app import services as request_services
from requests_app.models import Answer
from tasks_app import services as task_services

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """An aware moment in the site time zone: at("2026-11-23 10:00")."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def running_request(
    users, *, requester="mt_staff", to=("TE", "PD"), confidential=False, title="Spring landing page"
):
    """A request every addressed department confirmed: in progress."""
    today = timezone.localdate()
    by = users[requester]
    request = request_services.create_request(
        by=by,
        fields={
            "title": title,
            "type": "routine",
            "priority": "medium",
            "confidentiality": "confidential" if confidential else "normal",
            "contact_phone": "010-12345678",
            "background_goal": "More sign-ups in spring.",
            "content_deliverables": "A landing page, tested on mobile.",
            "start_date": today - timedelta(days=10),
            "deadline": today + timedelta(days=30),
        },
        departments=[(d, None) for d in Department.objects.filter(code__in=to)],
        recorded_late=True,  # started ten days ago
    )
    request_services.submit_request(request=request, by=by)
    department = request.requesting_department
    request_services.approve_request(request=request, by=department.head)
    request_services.approve_request(request=request, by=department.leader)
    for rd in request.departments.select_related("department__liaison"):
        request_services.answer_department(
            request_department=rd, by=rd.department.liaison, answer=Answer.CONFIRMED
        )
    request.refresh_from_db()
    return request


def make_task(users, request, *, code="TE", owner=None, name="Build the page"):
    department = Department.objects.get(code=code)
    today = timezone.localdate()
    return task_services.create_task(
        request=request,
        department=department,
        by=department.head,
        name=name,
        owner=users[owner or f"{code.lower()}_staff"],
        planned_start=max(request.start_date, today - timedelta(days=5)),
        planned_finish=today + timedelta(days=10),
        deliverable_standard="Works on mobile.",
    )


def report(users, request, *, by="te_staff", concerned=("PD",), now=None, task=None, **fields):
    values = {
        "title": "Design files arrive late",
        "description": "The product team has not sent the final designs.",
        "category": "information",
        "impact": "Front end work is blocked since Monday.",
    }
    values.update(fields)
    return services.report_problem(
        by=users[by],
        request=request,
        task=task,
        departments=list(Department.objects.filter(code__in=concerned)),
        now=now,
        **values,
    )
