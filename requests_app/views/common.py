"""What the request pages share: the request a person may see (404 otherwise) and the
way back to it when a click came too late."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from .. import selectors, services


def get_request(user, pk):
    obj = selectors.request_for_page(user, pk)
    if obj is None:
        raise Http404
    return obj


def stale_redirect(request, obj, error=None):
    messages.warning(request, str(error or services.stale_error(obj)))
    return redirect("requests:detail", pk=obj.pk)
