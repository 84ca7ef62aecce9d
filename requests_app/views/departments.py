"""The addressed departments' pages: answer, acknowledge receipt and ask the requester;
and the requester's reply to a question."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from collab.core.workflow import CommentForm

from .. import permissions, services
from ..errors import RequestError
from ..forms import AnswerForm, QuestionForm, ReplyForm
from ..models import Answer
from .common import get_request, stale_redirect


def _request_department(request, pk, rd_pk):
    obj = get_request(request.user, pk)
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
        return stale_redirect(request, obj, _answered_error(rd))
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
                return stale_redirect(request, obj, error)
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
        return stale_redirect(request, obj, services.acknowledged_error(rd))
    form = CommentForm(request.POST or None, required=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_receipt(
                request_department=rd, by=request.user, comment=form.cleaned_data["comment"]
            )
        except RequestError as error:
            return stale_redirect(request, obj, error)
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
        return stale_redirect(request, obj, _answered_error(rd))
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_clarification(
                request_department=rd, by=request.user, question=form.cleaned_data["question"]
            )
        except RequestError as error:
            return stale_redirect(request, obj, error)
        messages.success(request, gettext("Your question was sent to the requester."))
        return redirect("requests:detail", pk=obj.pk)
    return render(request, "requests_app/ask.html", {"object": obj, "rd": rd, "form": form})


@login_required
def reply(request, pk, clarification_pk):
    obj = get_request(request.user, pk)
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
            return stale_redirect(request, obj, error)
        messages.success(request, gettext("Your answer was sent."))
        return redirect("requests:detail", pk=obj.pk)
    if request.method == "POST":
        # The form sits on the detail page; show the error there.
        messages.error(request, gettext("Write the answer."))
        return redirect(
            reverse("requests:detail", args=[obj.pk]) + f"#clarification-{clarification.pk}"
        )
    return redirect("requests:detail", pk=obj.pk)
