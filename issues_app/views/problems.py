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
from ..actions import problems as steps
from ..errors import IssueError
from ..forms import AttachmentForm, EntryForm, ProblemFilterForm, ProblemForm, RespondForm
from ..models import ProblemAttachment


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
        "buttons": steps.buttons(user, problem),
        "can": {
            "respond": bool(responding),
            "entry": permissions.can_add_entry(user, problem),
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


# --- responses and entries, posted from the problem's page ---------------------------------
# (the other steps are declared in issues_app/actions.py)


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
