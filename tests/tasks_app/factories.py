"""Confirmed requests and their tasks, built through the real services."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collab.org.models import Department
from requests_app import services as request_services
from requests_app.models import Answer
from tasks_app import services
from tasks_app.models import Task


def confirmed_request(
    users,
    *,
    requester="mt_staff",
    to=("TE",),
    confidential=False,
    title="Spring landing page",
    confirm=True,
):
    """A request that every addressed department confirmed: state in_progress
    (with confirm=False it stops at awaiting_confirmation)."""
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
    if not confirm:
        request.refresh_from_db()
        return request
    for rd in request.departments.select_related("department__liaison"):
        request_services.answer_department(
            request_department=rd, by=rd.department.liaison, answer=Answer.CONFIRMED
        )
    request.refresh_from_db()
    return request


def make_task(
    users,
    request,
    *,
    code="TE",
    owner=None,
    collaborators=(),
    name="Build the page",
    finish_in=10,
    priority="medium",
):
    department = Department.objects.get(code=code)
    today = timezone.localdate()
    finish = today + timedelta(days=finish_in)
    task = services.create_task(
        request=request,
        department=department,
        by=department.head,
        name=name,
        owner=users[owner or f"{code.lower()}_staff"],
        collaborators=[users[c] for c in collaborators],
        priority=priority,
        planned_start=max(request.start_date, min(finish, today - timedelta(days=5))),
        # A planned finish in the past is refused; a late task is planned for today and
        # then made late, as if time had passed.
        planned_finish=max(finish, today),
        deliverable_standard="Works on mobile; reviewed by marketing.",
    )
    if finish < today:
        Task.objects.filter(pk=task.pk).update(planned_finish=finish, due_date=finish)
        task.refresh_from_db()
    return task


def upload(name="page.pdf", content=b"%PDF-1.4 demo", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def delivered_task(users, request, **kwargs):
    task = make_task(users, request, **kwargs)
    services.start_task(task=task, by=task.owner)
    services.deliver_task(task=task, by=task.owner, note="Done", files=[upload()])
    task.refresh_from_db()
    return task


def accepted_task(users, request, *, by="mt_staff", **kwargs):
    task = delivered_task(users, request, **kwargs)
    services.accept_task(task=task, by=users[by])
    task.refresh_from_db()
    return task
