"""Attachments (added and downloaded) and access to a confidential request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from collab.core.files import serve

from .. import permissions, services
from ..errors import RequestError
from ..forms import AttachmentForm, GrantForm
from ..models import Attachment
from .common import get_request


@login_required
@require_POST
def attachment_add(request, pk):
    obj = get_request(request.user, pk)
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
    obj = get_request(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, request=obj)
    return serve(attachment)


@login_required
@require_POST
def grant(request, pk):
    obj = get_request(request.user, pk)
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
