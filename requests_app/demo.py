"""Demo requests for `seed_demo`: one in each stage of the front half."""

from datetime import timedelta

from django.utils import timezone

from collab.org.models import Department

from . import services
from .models import Answer, Request

DEMO = [
    # title, requester, addressed, how far
    ("Spring campaign landing page", "mt_staff", ["TE", "PD"], "draft"),
    ("Customer data export for Q3 review", "sa_staff", ["TE"], "head_review"),
    ("New hire onboarding handbook", "hr_staff", ["AD", "TE"], "leader_review"),
    ("Budget template for 2027 planning", "fi_staff", ["MT", "SA"], "awaiting"),
    ("Trade show booth and materials", "mt_staff", ["PD", "AD"], "in_progress"),
]


def seed_requests(users) -> None:
    today = timezone.localdate()
    for title, username, codes, stage in DEMO:
        requester = users[username]
        if Request.objects.filter(title=title, requester=requester).exists():
            continue
        departments = [(d, None) for d in Department.objects.filter(code__in=codes)]
        request = services.create_request(
            by=requester,
            fields={
                "title": title,
                "type": "routine",
                "priority": "medium",
                "confidentiality": "normal",
                "contact_phone": requester.phone or "010-0000",
                "background_goal": "Demo: " + title,
                "content_deliverables": "Agreed deliverables and acceptance standard.",
                "start_date": today,
                "deadline": today + timedelta(days=30),
            },
            departments=departments,
            milestones=[(today + timedelta(days=14), "First draft")],
        )
        if stage == "draft":
            continue
        services.submit_request(request=request, by=requester)
        if stage == "head_review":
            continue
        dept = request.requesting_department
        services.approve_request(request=request, by=dept.head, comment="OK")
        if stage == "leader_review":
            continue
        services.approve_request(request=request, by=dept.leader, comment="Agreed")
        if stage == "awaiting":
            continue
        for rd in request.departments.select_related("department__liaison"):
            services.answer_department(
                request_department=rd, by=rd.department.liaison, answer=Answer.CONFIRMED
            )
