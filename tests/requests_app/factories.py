"""Requests built through the real services, stopped at the stage a test needs."""

from datetime import timedelta

from django.utils import timezone

from collab.org.models import Department
from requests_app import services
from requests_app.dates import LATE_RECORDING_DAYS
from requests_app.models import Answer, Milestone, Request

STAGES = ["draft", "head_review", "leader_review", "awaiting_confirmation", "in_progress"]


def request_fields(**overrides):
    today = timezone.localdate()
    fields = {
        "title": "Landing page for the spring campaign",
        "type": "routine",
        "priority": "medium",
        "confidentiality": "normal",
        "contact_phone": "010-12345678",
        "external_partner": "",
        "background_goal": "More sign-ups in spring.",
        "content_deliverables": "A landing page, tested on mobile.",
        "start_date": today,
        "deadline": today + timedelta(days=30),
        "resource_needs": "",
        "expected_benefit": "",
        "usage_period": "",
    }
    fields.update(overrides)
    return fields


def make_request(
    users,
    *,
    requester="mt_staff",
    to=("TE", "PD"),
    stage="draft",
    contacts=None,
    milestones=(),
    **overrides,
):
    by = users[requester]
    contacts = contacts or {}
    departments = [
        (d, users[contacts[d.code]] if d.code in contacts else None)
        for d in Department.objects.filter(code__in=to)
    ]
    fields = request_fields(**overrides)
    today = timezone.localdate()
    # The services refuse a deadline in the past and a start date further back than a
    # late record allows. A request "filed weeks ago" is therefore filed today with its
    # dates moved forward, and moved back once it has reached its stage, as if time had
    # passed.
    shift = timedelta(0)
    start = fields["start_date"]
    if start < today and (
        fields["deadline"] < today or start < today - timedelta(days=LATE_RECORDING_DAYS)
    ):
        shift = today - start
        fields["start_date"] += shift
        fields["deadline"] += shift
        milestones = [(day + shift, text) for day, text in milestones]
    request = services.create_request(
        by=by,
        fields=fields,
        departments=departments,
        milestones=milestones,
        recorded_late=fields["start_date"] < today,
    )
    request = _advance(users, request, by=by, stage=stage)
    if shift:
        Request.objects.filter(pk=request.pk).update(
            start_date=fields["start_date"] - shift, deadline=fields["deadline"] - shift
        )
        for milestone in Milestone.objects.filter(request=request):
            Milestone.objects.filter(pk=milestone.pk).update(date=milestone.date - shift)
        request.refresh_from_db()
    return request


def _advance(users, request, *, by, stage):
    if stage == "draft":
        return request
    services.submit_request(request=request, by=by)
    if stage == "head_review":
        return request
    dept = request.requesting_department
    services.approve_request(request=request, by=dept.head)
    if stage == "leader_review":
        return request
    services.approve_request(request=request, by=dept.leader)
    if stage == "awaiting_confirmation":
        return request
    for rd in request.departments.select_related("department__liaison"):
        services.answer_department(
            request_department=rd, by=rd.department.liaison, answer=Answer.CONFIRMED
        )
    request.refresh_from_db()
    return request
