"""Demo problems and meetings for `seed_demo`; running it again changes nothing."""

import datetime

from django.utils import timezone

from collab.org.models import Department
from requests_app.models import Request, State

from . import services
from .models import Grade, MeetingKind, MeetingSeries, Problem

DEMO_REQUEST = "Trade show booth and materials"
DEMO_PROBLEM = "Booth design waits for the product photos"


def seed_issues(users) -> None:
    request = Request.objects.filter(title=DEMO_REQUEST, state=State.IN_PROGRESS).first()
    if request is not None and not Problem.objects.filter(request=request).exists():
        problem = services.report_problem(
            by=users["ad_staff"],
            request=request,
            title=DEMO_PROBLEM,
            description="The booth supplier needs the product photos; Product has not sent them.",
            category="information",
            impact="The booth print order is due this week.",
            departments=list(Department.objects.filter(code="PD")),
        )
        services.grade_problem(problem=problem, by=users["secretary"], grade=Grade.IMPORTANT)
        services.report_problem(
            by=users["pd_staff"],
            request=request,
            title="Who pays for the booth furniture?",
            description="Administration and Marketing both expect the other to pay.",
            category="resources",
            impact="The order cannot be placed.",
            departments=list(Department.objects.filter(code__in=["AD", "MT"])),
        )
    if not MeetingSeries.objects.exists():
        today = timezone.localdate()
        friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)
        starts_at = timezone.make_aware(datetime.datetime.combine(friday, datetime.time(14, 0)))
        liaisons = [users[f"{code}_liaison"] for code in ("mt", "te", "pd", "sa", "fi", "hr", "ad")]
        services.schedule_meeting(
            by=users["secretary"],
            title="Weekly collaboration meeting",
            kind=MeetingKind.WEEKLY,
            starts_at=starts_at,
            duration_minutes=90,
            place="Meeting room 1",
            chair=users["secretary"],
            attendees=liaisons,
            repeat_weekly=True,
        )
