"""Tasks, problems and meetings for the ledger and archive tests, built through the
real services of the tasks and issues apps."""

import datetime
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collab.org.models import Department
from issues_app import services as issue_services
from issues_app.models import MeetingKind
from tasks_app import services as task_services


def upload(name="page.pdf", content=b"%PDF-1.4 demo", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def task(users, request, *, code="TE", name="Build the page", finish_in=10, collaborators=()):
    department = Department.objects.get(code=code)
    today = timezone.localdate()
    return task_services.create_task(
        request=request,
        department=department,
        by=department.head,
        name=name,
        owner=users[f"{code.lower()}_staff"],
        collaborators=[users[c] for c in collaborators],
        planned_start=max(request.start_date, today - timedelta(days=5)),
        planned_finish=today + timedelta(days=finish_in),
        deliverable_standard="Works on mobile.",
    )


def late_task(users, request, *, code="TE", name="Late part"):
    """An active task whose due date has passed (moved back in the database: the
    service refuses a planned finish in the past)."""
    from tasks_app.models import Task

    t = task(users, request, code=code, name=name)
    yesterday = timezone.localdate() - timedelta(days=1)
    Task.objects.filter(pk=t.pk).update(
        planned_start=yesterday, planned_finish=yesterday, due_date=yesterday
    )
    t.refresh_from_db()
    return t


def accepted(users, request, *, code="TE", name="Build the page", requester="mt_staff"):
    t = task(users, request, code=code, name=name)
    task_services.start_task(task=t, by=t.owner)
    task_services.post_progress(task=t, by=t.owner, text="首页完成 60%", percent=60)
    task_services.deliver_task(task=t, by=t.owner, note="Done", files=[upload()])
    t.refresh_from_db()
    task_services.accept_task(task=t, by=users[requester], comment="验收通过")
    t.refresh_from_db()
    return t


def problem(users, request, *, by="te_staff", concerned=("PD",), title="设计稿延迟", **extra):
    values = {
        "title": title,
        "description": "The product team has not sent the final designs.",
        "category": "information",
        "impact": "Front end work is blocked.",
    }
    values.update(extra)
    return issue_services.report_problem(
        by=users[by],
        request=request,
        departments=list(Department.objects.filter(code__in=concerned)),
        **values,
    )


def graded(users, request, *, grade="important", **kwargs):
    p = problem(users, request, **kwargs)
    issue_services.grade_problem(problem=p, by=users["secretary"], grade=grade)
    p.refresh_from_db()
    return p


def published_meeting(
    users,
    *,
    request=None,
    kind=MeetingKind.MILESTONE,
    problems=(),
    requests=(),
    decisions=None,
    actions=(),
    sign=False,
):
    """A meeting held an hour ago, minutes written and published."""
    from issues_app.models import Meeting

    secretary = users["secretary"]
    meeting = issue_services.schedule_meeting(
        by=secretary,
        title="项目中期推进会" if kind == MeetingKind.MILESTONE else "Weekly collaboration",
        kind=kind,
        starts_at=timezone.now() - timedelta(hours=2),
        duration_minutes=60,
        place="3楼会议室",
        chair=secretary,
        attendees=[users["te_liaison"], users["pd_liaison"], users["mt_head"]],
        request=request,
        milestone_stage="midterm" if kind == MeetingKind.MILESTONE else "",
        problems=problems,
        requests=requests,
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    items = list(meeting.agenda.all())
    decisions = decisions or {}
    issue_services.save_minutes(
        meeting=meeting,
        by=secretary,
        summary="按期推进",
        present_ids=[secretary.pk, users["te_liaison"].pk, users["mt_head"].pk],
        decisions={item.pk: decisions.get(index, "") for index, item in enumerate(items)},
        actions=[
            {
                "id": None,
                "title": title,
                "owner": users[owner],
                "deadline": timezone.localdate() + datetime.timedelta(days=3),
                **links,
            }
            for title, owner, links in actions
        ],
    )
    issue_services.publish_minutes(meeting=meeting, by=secretary)
    if sign:
        issue_services.sign_off(meeting=meeting, by=users["leader1"])
    return Meeting.objects.get(pk=meeting.pk)
