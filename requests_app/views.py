"""Thin views: parse, call a service or selector, render. Objects a person may not see
are 404, including every action URL and every file."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from collab.core.files import serve
from collab.org.models import Department

from . import permissions, selectors, services
from .errors import RequestError
from .forms import (
    AnswerForm,
    AttachmentForm,
    CommentForm,
    DepartmentFormSet,
    GrantForm,
    ListFilterForm,
    MilestoneFormSet,
    QuestionForm,
    ReplyForm,
    RequestForm,
)
from .models import Answer, Attachment, State
from .presenters import detail_context, last_return

User = get_user_model()


def _get_request(user, pk):
    obj = selectors.request_for_page(user, pk)
    if obj is None:
        raise Http404
    return obj


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
    obj = _get_request(request.user, pk)
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
    obj = _get_request(request.user, pk)
    return render(request, "requests_app/detail.html", detail_context(request.user, obj))


# --- actions: GET shows a confirmation, POST runs the service ------------------------


def _stale_redirect(request, obj, error=None):
    messages.warning(request, str(error or services.stale_error(obj)))
    return redirect("requests:detail", pk=obj.pk)


def _request_department(request, pk, rd_pk):
    obj = _get_request(request.user, pk)
    rd = next((rd for rd in obj.departments.all() if rd.pk == rd_pk), None)
    if rd is None:
        raise Http404
    if not permissions.may_answer_for(request.user, rd):
        raise PermissionDenied
    return obj, rd


@login_required
def answer(request, pk, rd_pk):
    obj, rd = _request_department(request, pk, rd_pk)
    if not permissions.can_answer(request.user, obj, rd):
        return _stale_redirect(request, obj, _answered_error(rd))
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_department(
                request_department=rd,
                by=request.user,
                answer=form.cleaned_data["answer"],
                text=form.cleaned_data["text"],
            )
        except RequestError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                return _stale_redirect(request, obj, error)
        else:
            messages.success(request, gettext("Your answer is recorded."))
            return redirect("requests:detail", pk=obj.pk)
    return render(
        request,
        "requests_app/answer.html",
        {"object": obj, "rd": rd, "form": form, "due": rd.response_due},
    )


def _answered_error(rd):
    if rd.answered_at and rd.answer != Answer.PENDING:
        from django.utils import timezone
        from django.utils.formats import date_format

        return RequestError(
            gettext("%(code)s already answered: %(who)s at %(when)s.")
            % {
                "code": rd.department.code,
                "who": rd.answered_by.name if rd.answered_by else "",
                "when": date_format(timezone.localtime(rd.answered_at), "Y-m-d H:i"),
            }
        )
    return None


@login_required
def acknowledge(request, pk, rd_pk):
    obj, rd = _request_department(request, pk, rd_pk)
    if not permissions.can_acknowledge(request.user, obj, rd):
        return _stale_redirect(request, obj, services.acknowledged_error(rd))
    form = CommentForm(request.POST or None, required=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_receipt(
                request_department=rd, by=request.user, comment=form.cleaned_data["comment"]
            )
        except RequestError as error:
            return _stale_redirect(request, obj, error)
        messages.success(
            request,
            gettext("Receipt acknowledged for %(code)s.") % {"code": rd.department.code},
        )
        return redirect(reverse("requests:detail", args=[obj.pk]) + "#departments")
    return render(
        request,
        "requests_app/action.html",
        {
            "object": obj,
            "form": form,
            "title": gettext("Acknowledge receipt for %(code)s") % {"code": rd.department.code},
            "button": gettext("Acknowledge receipt"),
        },
    )


@login_required
def ask(request, pk, rd_pk):
    obj, rd = _request_department(request, pk, rd_pk)
    if not permissions.can_answer(request.user, obj, rd):
        return _stale_redirect(request, obj, _answered_error(rd))
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_clarification(
                request_department=rd, by=request.user, question=form.cleaned_data["question"]
            )
        except RequestError as error:
            return _stale_redirect(request, obj, error)
        messages.success(request, gettext("Your question was sent to the requester."))
        return redirect("requests:detail", pk=obj.pk)
    return render(request, "requests_app/ask.html", {"object": obj, "rd": rd, "form": form})


@login_required
def reply(request, pk, clarification_pk):
    obj = _get_request(request.user, pk)
    clarification = next((c for c in obj.clarifications.all() if c.pk == clarification_pk), None)
    if clarification is None:
        raise Http404
    if not permissions.is_requester(request.user, obj):
        raise PermissionDenied
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_clarification(
                clarification=clarification, by=request.user, answer=form.cleaned_data["answer"]
            )
        except RequestError as error:
            return _stale_redirect(request, obj, error)
        messages.success(request, gettext("Your answer was sent."))
        return redirect("requests:detail", pk=obj.pk)
    if request.method == "POST":
        # The form sits on the detail page; show the error there.
        messages.error(request, gettext("Write the answer."))
        return redirect(
            reverse("requests:detail", args=[obj.pk]) + f"#clarification-{clarification.pk}"
        )
    return redirect("requests:detail", pk=obj.pk)


# --- attachments and access ----------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk):
    obj = _get_request(request.user, pk)
    if not permissions.can_add_attachment(request.user, obj):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachments(
                request=obj, by=request.user, files=form.cleaned_data["attachments"]
            )
            messages.success(request, gettext("Attachment added."))
        except RequestError as error:
            messages.error(request, str(error))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("requests:detail", args=[obj.pk]) + "#attachments")


@login_required
def attachment_download(request, pk, attachment_pk):
    obj = _get_request(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, request=obj)
    return serve(attachment)


@login_required
@require_POST
def grant(request, pk):
    obj = _get_request(request.user, pk)
    if not permissions.can_grant_access(request.user, obj):
        raise PermissionDenied
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_access(request=obj, by=request.user, user=form.cleaned_data["user"])
            messages.success(
                request,
                gettext("%(name)s can now see this request.")
                % {"name": form.cleaned_data["user"].name},
            )
        except RequestError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, gettext("Choose a person."))
    return redirect("requests:detail", pk=obj.pk)
