"""Thin views: parse, call a service or selector, render. Tasks a person may not see are
404, including every action URL and every file; visible tasks whose action belongs to
someone else are 403; a click that came too late is explained as a message.

The steps of a task (start, deliver, accept…) are declared in `actions.py`; their views
are generated from the declaration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from collab.core.files import serve
from collab.org.models import Department
from requests_app.models import RequestDepartment
from requests_app.selectors import visible_requests

from . import permissions, selectors, services
from .errors import TaskError
from .forms import FilterForm, RatingForm, TaskForm
from .models import DeliverableKind, DepartmentRating
from .presenters import detail_context


def _task(user, pk, *, for_page=False):
    task = (selectors.task_for_page if for_page else selectors.task_for_action)(user, pk)
    if task is None:
        raise Http404
    return task


def _data(request):
    return request.POST if request.method == "POST" else None


def _detail(task) -> str:
    return reverse("tasks:detail", args=[task.pk])


def _stale(request, task, error):
    messages.warning(request, str(error))
    return redirect(_detail(task))


def _form_error(form, error: TaskError) -> bool:
    """Put a service error next to its field; False when it belongs to no field."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, str(error))
        return True
    return False


# --- the Tasks page and the board ----------------------------------------------------


def _scope(request) -> str:
    scope = request.GET.get("scope", "mine")
    return scope if scope in selectors.SCOPES else "mine"


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def task_list(request):
    scope = _scope(request)
    form = FilterForm(request.GET or None)
    qs = selectors.task_list(request.user, scope=scope, filters=form.filters())
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks_app/list.html",
        {
            "form": form,
            "page": page,
            "scope": scope,
            "query": _query_without(request, "page"),
            "filter_query": _query_without(request, "page", "scope"),
        },
    )


@login_required
@require_GET
def task_board(request):
    scope = _scope(request)
    form = FilterForm(request.GET or None)
    columns = selectors.board(request.user, scope=scope, filters=form.filters())
    return render(
        request,
        "tasks_app/board.html",
        {
            "form": form,
            "columns": columns,
            "scope": scope,
            "query": _query_without(request),
            "filter_query": _query_without(request, "scope"),
            "cap": selectors.BOARD_CAP,
        },
    )


# --- breaking down and editing -------------------------------------------------------


def _form_values(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "owner": data["owner"],
        "collaborators": list(data["collaborators"]),
        "priority": data["priority"],
        "planned_start": data["planned_start"],
        "planned_finish": data["planned_finish"],
        "deliverable_standard": data["deliverable_standard"],
    }


@login_required
def task_create(request, request_pk, department_pk):
    obj = visible_requests(request.user).filter(pk=request_pk).first()
    if obj is None:
        raise Http404
    rd = (
        RequestDepartment.objects.select_related("department")
        .filter(request=obj, department_id=department_pk)
        .first()
    )
    if rd is None:
        raise Http404
    department = rd.department
    if not permissions.is_department_head(request.user, department.pk):
        raise PermissionDenied
    rated = DepartmentRating.objects.filter(request=obj, department=department).exists()
    back = reverse("requests:detail", args=[obj.pk]) + "#tasks"
    if not permissions.can_break_down(request.user, obj, rd, rated=rated):
        messages.warning(
            request,
            gettext(
                "Tasks can be added only while the request is in progress and %(department)s has confirmed it and is not yet rated."
            )
            % {"department": department.code},
        )
        return redirect(back)
    form = TaskForm(_data(request), department=department, request=obj)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(
                request=obj, department=department, by=request.user, **_form_values(form)
            )
        except TaskError as error:
            if not _form_error(form, error):
                messages.warning(request, str(error))
                return redirect(back)
        else:
            messages.success(request, gettext("Task %(number)s created.") % {"number": task.number})
            if "add_another" in request.POST:
                return redirect("tasks:create", request_pk=obj.pk, department_pk=department.pk)
            return redirect(back)
    return render(
        request,
        "tasks_app/form.html",
        {"form": form, "request_obj": obj, "department": department, "task": None},
    )


@login_required
def task_edit(request, pk):
    task = _task(request.user, pk)
    if not permissions.is_task_head(request.user, task):
        raise PermissionDenied
    if not permissions.can_edit(request.user, task):
        return _stale(request, task, services.stale_error(task))
    initial = {
        "name": task.name,
        "owner": task.owner_id,
        "collaborators": [c.pk for c in task.collaborators.all()],
        "priority": task.priority,
        "planned_start": task.planned_start,
        "planned_finish": task.planned_finish,
        "deliverable_standard": task.deliverable_standard,
    }
    form = TaskForm(
        _data(request),
        initial=initial,
        department=task.department,
        request=task.request,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_task(
                task=task,
                by=request.user,
                comment=form.cleaned_data.get("comment", ""),
                **_form_values(form),
            )
        except TaskError as error:
            if not _form_error(form, error):
                return _stale(request, task, error)
        else:
            messages.success(request, gettext("Task saved."))
            return redirect(_detail(task))
    return render(
        request,
        "tasks_app/form.html",
        {"form": form, "request_obj": task.request, "department": task.department, "task": task},
    )


# --- one task ------------------------------------------------------------------------


@login_required
@require_GET
def task_detail(request, pk):
    task = _task(request.user, pk, for_page=True)
    return render(request, "tasks_app/detail.html", detail_context(request.user, task))


# --- rating --------------------------------------------------------------------------


@login_required
def rate(request, request_pk, department_pk):
    obj = visible_requests(request.user).filter(pk=request_pk).first()
    department = Department.objects.filter(pk=department_pk).first()
    if obj is None or department is None:
        raise Http404
    if not obj.departments.filter(department=department).exists():
        raise Http404
    if not permissions.is_requester_side(request.user, obj):
        raise PermissionDenied
    back = reverse("requests:detail", args=[obj.pk]) + "#tasks"
    ready = selectors.departments_to_rate(request.user).filter(request=obj, department=department)
    if not ready.exists():
        existing = DepartmentRating.objects.filter(request=obj, department=department).first()
        if existing:
            messages.warning(
                request,
                gettext("%(department)s was already rated by %(who)s.")
                % {"department": department.code, "who": existing.rated_by.name},
            )
        else:
            messages.warning(
                request,
                gettext("%(department)s can be rated once all its tasks are accepted.")
                % {"department": department.code},
            )
        return redirect(back)
    form = RatingForm(_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rate_department(
                request=obj,
                department=department,
                by=request.user,
                speed=data["speed"],
                professionalism=data["professionalism"],
                cooperation=data["cooperation"],
                remarks=data["remarks"],
            )
        except TaskError as error:
            if not _form_error(form, error):
                messages.warning(request, str(error))
                return redirect(back)
        else:
            messages.success(
                request,
                gettext("Thank you: %(department)s rated.") % {"department": department.code},
            )
            return redirect(back)
    return render(
        request,
        "tasks_app/rate.html",
        {"form": form, "request_obj": obj, "department": department},
    )


# --- files ---------------------------------------------------------------------------


@login_required
@require_GET
def deliverable_download(request, pk, file_pk):
    deliverable = selectors.deliverable_for(request.user, pk, file_pk)
    if deliverable is None or deliverable.kind != DeliverableKind.FILE:
        raise Http404
    return serve(deliverable)


@login_required
@require_GET
def progress_file_download(request, pk, file_pk):
    stored = selectors.progress_file_for(request.user, pk, file_pk)
    if stored is None:
        raise Http404
    return serve(stored)
