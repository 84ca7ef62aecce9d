"""Reporting a problem against a request or one of its tasks, and adding attachments."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.files import check_uploads
from collab.notify.reminders import schedule_deadline
from collab.workdays import calendar
from requests_app.models import Request
from requests_app.selectors import visible_requests

from .. import permissions
from ..errors import IssueError
from ..models import Problem, ProblemAttachment, ProblemDepartment, events
from ..models.choices import RESPONSE_WORKING_DAYS
from ..reminder_kinds import RESPONSE_KIND
from .common import add_working_days, deny, log_problem, secretaries
from .problems import check_allowed, department_people, locked_problem, tell


def report_problem(
    *,
    by,
    request,
    title,
    description,
    category,
    impact,
    departments,
    files=(),
    task=None,
    now=None,
) -> Problem:
    """File a problem report against a request (or one of its tasks); it goes to the
    executive secretary for grading and to the departments concerned for a response."""
    now = now or timezone.now()
    if not visible_requests(by).filter(pk=request.pk).exists():
        raise deny()
    if not permissions.can_report(by, request):
        raise IssueError(
            gettext(
                "Problems can be reported while a request awaits confirmation or is in progress."
            )
        )
    if task is not None and task.request_id != request.pk:
        raise IssueError(gettext("The task does not belong to this request."), field="task")
    departments = list(dict.fromkeys(departments))
    if not departments:
        raise IssueError(gettext("Choose at least one department concerned."), field="departments")
    inactive = [d.code for d in departments if not d.is_active]
    if inactive:
        raise IssueError(
            gettext("%(codes)s no longer exists.") % {"codes": ", ".join(inactive)},
            field="departments",
        )
    check_uploads(files, field="attachments", error=IssueError)
    response_due = add_working_days(now, RESPONSE_WORKING_DAYS)
    with transaction.atomic():
        # The request row lock serialises serial numbers per request.
        Request.objects.select_for_update().filter(pk=request.pk).first()
        last = Problem.objects.filter(request=request).aggregate(m=Max("seq"))["m"] or 0
        fields = {
            "request": request,
            "seq": last + 1,
            "title": title,
            "description": description,
            "category": category,
            "impact": impact,
            "reporter": by,
            "reporting_department": by.department,
            "reported_at": now,
            "response_due": response_due,
        }
        if task is not None:
            fields["task"] = task
        problem = Problem.objects.create(**fields)
        ProblemDepartment.objects.bulk_create(
            [ProblemDepartment(problem=problem, department=d) for d in departments]
        )
        _store_attachments(problem, files, by=by, at=now)
        log_problem(
            problem,
            events.PROBLEM_REPORTED,
            by=by,
            at=now,
            data={
                "departments": [d.code for d in departments],
                "category": category,
                "task": getattr(task, "number", None),
            },
        )
        people = department_people(problem)
        schedule_deadline(
            kind=RESPONSE_KIND,
            target=problem,
            due_at=response_due,
            recipients=people,
            escalate_to=secretaries(),
            start=now,
            working_hours=calendar.working_hours_for(RESPONSE_WORKING_DAYS),
        )
        tell(problem, secretaries(), event=events.PROBLEM_REPORTED, template="reported_grade")
        if request.is_confidential and not any(
            visible_requests(s).filter(pk=request.pk).exists() for s in secretaries()
        ):
            # Need-to-know stays with the request: whoever may share it is asked to.
            tell(
                problem,
                [request.requester, request.requesting_department.head],
                event="issues.problem.needs_secretary",
                template="needs_secretary",
            )
        tell(
            problem,
            people,
            event=events.PROBLEM_REPORTED,
            template="reported_respond",
            due=response_due,
        )
    return problem


def _store_attachments(problem, files, *, by, at) -> None:
    for upload in files:
        ProblemAttachment.store(upload, problem=problem, uploaded_by=by, uploaded_at=at)


def add_attachments(*, problem, by, files, now=None) -> None:
    now = now or timezone.now()
    check_uploads(files, field="attachments", error=IssueError)
    with transaction.atomic():
        problem = locked_problem(problem)
        check_allowed(permissions.can_add_attachment(by, problem), False, problem)
        _store_attachments(problem, files, by=by, at=now)
        log_problem(
            problem,
            events.PROBLEM_ATTACHMENT,
            by=by,
            at=now,
            data={"files": [f.name for f in files]},
        )
