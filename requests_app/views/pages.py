"""The request list, the detail page, and the form that files and edits a request."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from collab.org.models import Department

from .. import permissions, selectors, services
from ..errors import RequestError
from ..forms import DepartmentFormSet, ListFilterForm, MilestoneFormSet, RequestForm
from ..models import State
from ..presenters import detail_context, last_return
from .common import get_request

User = get_user_model()


# --- list ----------------------------------------------------------------------------


@login_required
def request_list(request):
    form = ListFilterForm(request.GET or None, departments=Department.objects.active())
    qs = selectors.request_list(request.user, filters=form.filters() if request.GET else {})
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests_app/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


# --- create and edit -----------------------------------------------------------------


def _people():
    return User.objects.filter(is_active=True, department__isnull=False).order_by(
        "display_name", "username"
    )


def _formsets(http_request, *, obj=None, start=None, deadline=None):
    data = http_request.POST if http_request.method == "POST" else None
    departments = Department.objects.active().exclude(pk=http_request.user.department_id)
    if obj is not None:
        dept_initial = [
            {"department": rd.department_id, "contact": rd.contact_id}
            for rd in obj.departments.all()
        ]
        ms_initial = [{"date": m.date, "description": m.description} for m in obj.milestones.all()]
    else:
        dept_initial, ms_initial = [], []
    dept_initial += [{}] * max(1, 3 - len(dept_initial))
    ms_initial += [{}] * max(1, 3 - len(ms_initial))
    department_formset = DepartmentFormSet(
        data,
        prefix="departments",
        initial=None if data else dept_initial,
        form_kwargs={
            "requester": http_request.user,
            "departments": departments,
            "people": _people(),
        },
    )
    milestone_formset = MilestoneFormSet(
        data,
        prefix="milestones",
        initial=None if data else ms_initial,
        start=start,
        deadline=deadline,
    )
    return department_formset, milestone_formset


def _save_request_form(http_request, *, obj=None):
    """Shared by create and edit; returns a response."""
    user = http_request.user
    if http_request.method == "POST":
        form = RequestForm(http_request.POST, http_request.FILES, instance=obj)
        form_ok = form.is_valid()
        departments, milestones = _formsets(
            http_request,
            obj=obj,
            start=form.cleaned_data.get("start_date"),
            deadline=form.cleaned_data.get("deadline"),
        )
        if form_ok and departments.is_valid() and milestones.is_valid():
            kwargs = {
                "by": user,
                "fields": form.request_fields(),
                "departments": departments.pairs(),
                "milestones": milestones.pairs(),
                "files": form.cleaned_data["attachments"],
                "recorded_late": form.cleaned_data["recorded_late"],
            }
            try:
                if obj is None:
                    saved = services.create_request(**kwargs)
                else:
                    saved = services.update_request(request=obj, **kwargs)
                if "submit" in http_request.POST:
                    services.submit_request(request=saved, by=user)
                    messages.success(
                        http_request,
                        gettext("Request %(number)s submitted for review.")
                        % {"number": saved.number},
                    )
                else:
                    messages.success(http_request, gettext("Draft saved."))
                return redirect("requests:detail", pk=saved.pk)
            except RequestError as error:
                if error.field and error.field in form.fields:
                    form.add_error(error.field, str(error))
                else:
                    form.add_error(None, str(error))
    else:
        form = RequestForm(instance=obj, initial=None if obj else {"contact_phone": user.phone})
        departments, milestones = _formsets(http_request, obj=obj)
    return render(
        http_request,
        "requests_app/form.html",
        {
            "form": form,
            "departments_formset": departments,
            "milestones_formset": milestones,
            "object": obj,
            "last_return": _last_return(obj),
        },
        status=200,
    )


def _last_return(obj):
    if obj is None or obj.state != State.RETURNED:
        return None
    return last_return(list(obj.events.select_related("actor")))


@login_required
def request_create(request):
    if request.user.department_id is None:
        messages.error(request, gettext("You need to belong to a department to file a request."))
        return redirect("requests:list")
    return _save_request_form(request)


@login_required
def request_edit(request, pk):
    obj = get_request(request.user, pk)
    if not permissions.is_requester(request.user, obj):
        raise PermissionDenied
    if not permissions.can_edit(request.user, obj):
        messages.warning(request, gettext("This request can no longer be edited."))
        return redirect("requests:detail", pk=obj.pk)
    return _save_request_form(request, obj=obj)


@login_required
@require_GET
def contact_options(request):
    """HTMX: the contact choices for the department just picked in a formset row."""
    department_id = next(
        (v for k, v in request.GET.items() if k.endswith("department") and v.isdigit()), None
    )
    people = _people().filter(department_id=department_id) if department_id else User.objects.none()
    options = format_html('<option value="">{}</option>', gettext("— the department's liaison —"))
    options += format_html_join(
        "", '<option value="{}">{}</option>', ((p.pk, p.name) for p in people)
    )
    return HttpResponse(options)


# --- detail --------------------------------------------------------------------------


@login_required
def request_detail(request, pk):
    obj = get_request(request.user, pk)
    return render(request, "requests_app/detail.html", detail_context(request.user, obj))
