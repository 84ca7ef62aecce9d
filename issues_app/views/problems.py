"""Problem pages. Thin: parse, call a service or selector, render. What a person may not
see is 404, including every action URL and every file; a stale click is explained."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from collab.core.files import serve
from collab.org.models import Department
from requests_app.selectors import request_for_page, visible_requests

from .. import permissions, selectors, services
from ..errors import IssueError
from ..forms import (
    AttachmentForm,
    CommentForm,
    EntryForm,
    GradeForm,
    OwnerForm,
    ProblemFilterForm,
    ProblemForm,
    ResolveForm,
    RespondForm,
)
from ..models import ProblemAttachment
from ..services.common import end_of_office_day


def _problem(user, pk):
    problem = selectors.problem_for_page(user, pk)
    if problem is None:
        raise Http404
    return problem


def _detail(problem):
    return redirect("issues:problem", pk=problem.pk)


# --- list and detail -----------------------------------------------------------------------


@login_required
def problem_list(request):
    form = ProblemFilterForm(request.GET or None)
    qs = selectors.problem_list(request.user, filters=form.filters() if request.GET else {})
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "issues_app/problem_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def problem_detail(request, pk):
    problem = _problem(request.user, pk)
    user = request.user
    responding = permissions.responding_departments(user, problem)
    context = {
        "problem": problem,
        "can": {
            "grade": permissions.can_grade(user, problem),
            "respond": bool(responding),
            "entry": permissions.can_add_entry(user, problem),
            "resolve": permissions.can_resolve(user, problem),
            "confirm": permissions.can_confirm(user, problem),
            "escalate": permissions.can_escalate(user, problem),
            "owner": permissions.can_set_owner(user, problem),
            "refer": permissions.can_refer(user, problem),
            "rule": permissions.can_rule(user, problem),
            "dismiss": permissions.can_dismiss(user, problem),
            "attach": permissions.can_add_attachment(user, problem),
            "meeting": permissions.can_manage_meetings(user) and problem.is_open,
        },
        "respond_form": RespondForm(departments=[pd.department for pd in responding])
        if responding
        else None,
        "entry_form": EntryForm(),
        "attachment_form": AttachmentForm(),
        "now": timezone.now(),
    }
    return render(request, "issues_app/problem_detail.html", context)


# --- reporting -----------------------------------------------------------------------------


def _report(http_request, *, req, task=None):
    user = http_request.user
    if not permissions.can_report(user, req):
        messages.warning(
            http_request,
            gettext(
                "Problems can be reported while a request awaits confirmation or is in progress."
            ),
        )
        return redirect("requests:detail", pk=req.pk)
    departments = Department.objects.active()
    if http_request.method == "POST":
        form = ProblemForm(http_request.POST, http_request.FILES, departments=departments)
        if form.is_valid():
            data = form.cleaned_data
            try:
                problem = services.report_problem(
                    by=user,
                    request=req,
                    task=task,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    impact=data["impact"],
                    departments=list(data["departments"]),
                    files=data["attachments"],
                )
            except IssueError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(
                    http_request,
                    gettext("Problem %(number)s reported; the executive secretary will grade it.")
                    % {"number": problem.number},
                )
                return _detail(problem)
    else:
        if task is not None:
            initial = [task.department_id]
        else:
            initial = [rd.department_id for rd in req.departments.all()]
        form = ProblemForm(departments=departments, initial={"departments": initial})
    return render(
        http_request,
        "issues_app/problem_form.html",
        {"form": form, "req": req, "task": task},
    )


@login_required
def report_for_request(request, request_pk):
    req = request_for_page(request.user, request_pk)
    if req is None:
        raise Http404
    return _report(request, req=req)


@login_required
def report_for_task(request, task_pk):
    Task = apps.get_model("tasks_app", "Task")
    task = (
        Task.objects.filter(pk=task_pk, request__in=visible_requests(request.user).values("pk"))
        .select_related("request", "department")
        .first()
    )
    if task is None:
        raise Http404
    req = request_for_page(request.user, task.request_id)
    return _report(request, req=req, task=task)


# --- actions: GET shows a form, POST runs the service -----------------------------------------


def _action(http_request, pk, *, role, allowed, form, run, title, button, intro=""):
    problem = _problem(http_request.user, pk)
    user = http_request.user
    if not role(user, problem):
        raise PermissionDenied
    if not allowed(user, problem):
        messages.warning(http_request, str(services.stale_error(problem)))
        return _detail(problem)
    bound = form(http_request.POST or None)
    if http_request.method == "POST" and bound.is_valid():
        try:
            message = run(problem, user, bound.cleaned_data)
        except IssueError as error:
            if error.field in bound.fields:
                bound.add_error(error.field, str(error))
            else:
                messages.warning(http_request, str(error))
                return _detail(problem)
        else:
            messages.success(http_request, message)
            return _detail(problem)
    return render(
        http_request,
        "issues_app/problem_action.html",
        {"problem": problem, "form": bound, "title": title, "button": button, "intro": intro},
    )


def _comment(required=False, label=None):
    return lambda data: CommentForm(data, required=required, label=label)


@login_required
def grade(request, pk):
    def run(problem, user, data):
        services.grade_problem(
            problem=problem,
            by=user,
            grade=data["grade"],
            owner=data["owner"],
            comment=data["comment"],
        )
        return gettext("Problem graded.")

    return _action(
        request,
        pk,
        role=lambda u, p: permissions.is_secretary(u),
        allowed=permissions.can_grade,
        form=GradeForm,
        run=run,
        title=gettext("Grade the problem"),
        button=gettext("Grade"),
        intro=gettext(
            "General: does not affect the overall schedule — answered within 1 working day. "
            "Important: delays part of the work — coordination meeting, solution within 3 "
            "working days. Major: threatens the overall goal — the coordination group leader "
            "takes it."
        ),
    )


@login_required
@require_POST
def respond(request, pk):
    problem = _problem(request.user, pk)
    user = request.user
    if not any(permissions.may_answer_for(user, pd) for pd in problem.departments.all()):
        raise PermissionDenied
    responding = permissions.responding_departments(user, problem)
    if not responding:
        messages.warning(request, str(services.stale_error(problem)))
        return _detail(problem)
    form = RespondForm(request.POST, departments=[pd.department for pd in responding])
    if form.is_valid():
        try:
            services.respond(
                problem=problem,
                department=form.cleaned_data["department"],
                by=user,
                text=form.cleaned_data["text"],
            )
        except IssueError as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, gettext("Your response is recorded."))
        return _detail(problem)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(reverse("issues:problem", args=[problem.pk]) + "#respond")


@login_required
@require_POST
def add_entry(request, pk):
    problem = _problem(request.user, pk)
    user = request.user
    if not permissions.can_act_role(user, problem):
        raise PermissionDenied
    if not permissions.can_add_entry(user, problem):
        messages.warning(request, str(services.stale_error(problem)))
        return _detail(problem)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.add_entry(
                problem=problem,
                by=user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except IssueError as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, gettext("Recorded."))
        return _detail(problem)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(reverse("issues:problem", args=[problem.pk]) + "#entries")


@login_required
def resolve(request, pk):
    def run(problem, user, data):
        services.resolve_problem(problem=problem, by=user, resolution=data["resolution"])
        return gettext("Resolution recorded; the reporter is asked to confirm it.")

    return _action(
        request,
        pk,
        role=lambda u, p: permissions.is_owner(u, p) or permissions.is_secretary(u),
        allowed=permissions.can_resolve,
        form=ResolveForm,
        run=run,
        title=gettext("Record the resolution"),
        button=gettext("Record the resolution"),
    )


@login_required
def confirm(request, pk):
    def run(problem, user, data):
        services.confirm_problem(problem=problem, by=user, comment=data["comment"])
        return gettext("Thank you: the problem is closed.")

    return _action(
        request,
        pk,
        role=permissions.is_reporter,
        allowed=permissions.can_confirm,
        form=_comment(),
        run=run,
        title=gettext("Confirm the problem is resolved"),
        button=gettext("Confirm resolved"),
    )


@login_required
def reopen(request, pk):
    def run(problem, user, data):
        services.reopen_problem(problem=problem, by=user, reason=data["comment"])
        return gettext("The problem is open again; the owner is told.")

    return _action(
        request,
        pk,
        role=permissions.is_reporter,
        allowed=permissions.can_confirm,
        form=_comment(required=True, label=gettext("Why it is not resolved")),
        run=run,
        title=gettext("Reopen the problem"),
        button=gettext("Reopen"),
    )


@login_required
def escalate(request, pk):
    def run(problem, user, data):
        services.escalate_problem(problem=problem, by=user, reason=data["comment"])
        return gettext("Escalated; the new owner is told.")

    return _action(
        request,
        pk,
        role=permissions.is_concerned_head,
        allowed=permissions.can_escalate,
        form=_comment(required=True, label=gettext("Reason")),
        run=run,
        title=gettext("Escalate one grade"),
        button=gettext("Escalate"),
    )


@login_required
def set_owner(request, pk):
    def run(problem, user, data):
        services.set_owner(
            problem=problem,
            by=user,
            owner=data["owner"],
            due_at=end_of_office_day(data["deadline"]),
            comment=data["comment"],
        )
        return gettext("Owner and deadline set.")

    return _action(
        request,
        pk,
        role=lambda u, p: permissions.is_major_handler(u) or permissions.is_owner(u, p),
        allowed=permissions.can_set_owner,
        form=OwnerForm,
        run=run,
        title=gettext("Name the owner and deadline"),
        button=gettext("Save"),
    )


@login_required
def refer(request, pk):
    def run(problem, user, data):
        services.refer_to_leader(problem=problem, by=user, reason=data["comment"])
        return gettext("Referred to the division leader for a ruling.")

    return _action(
        request,
        pk,
        role=lambda u, p: permissions.is_concerned_head(u, p) or permissions.is_secretary(u),
        allowed=permissions.can_refer,
        form=_comment(required=True, label=gettext("The disagreement")),
        run=run,
        title=gettext("Refer to the division leader"),
        button=gettext("Refer"),
    )


@login_required
def rule(request, pk):
    def run(problem, user, data):
        services.record_ruling(problem=problem, by=user, ruling=data["comment"])
        return gettext("Ruling recorded.")

    return _action(
        request,
        pk,
        role=lambda u, p: p.referred_to_id == u.pk,
        allowed=permissions.can_rule,
        form=_comment(required=True, label=gettext("Ruling")),
        run=run,
        title=gettext("Give a ruling"),
        button=gettext("Record the ruling"),
    )


@login_required
def dismiss(request, pk):
    def run(problem, user, data):
        services.dismiss_problem(problem=problem, by=user, reason=data["comment"])
        return gettext("Problem closed.")

    return _action(
        request,
        pk,
        role=lambda u, p: permissions.is_secretary(u),
        allowed=permissions.can_dismiss,
        form=_comment(required=True, label=gettext("Why it needs no handling")),
        run=run,
        title=gettext("Close without handling"),
        button=gettext("Close"),
        intro=gettext("For duplicates and reports that are not problems; the reason is recorded."),
    )


# --- attachments ---------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk):
    problem = _problem(request.user, pk)
    if not permissions.can_add_attachment(request.user, problem):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachments(
                problem=problem, by=request.user, files=form.cleaned_data["attachments"]
            )
            messages.success(request, gettext("Attachment added."))
        except IssueError as error:
            messages.error(request, str(error))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("issues:problem", args=[problem.pk]) + "#attachments")


@login_required
def attachment_download(request, pk, attachment_pk):
    problem = _problem(request.user, pk)
    attachment = get_object_or_404(ProblemAttachment, pk=attachment_pk, problem=problem)
    return serve(attachment)
