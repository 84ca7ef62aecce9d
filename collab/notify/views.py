from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import PreferenceForm


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notifications_for(request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": selectors.unread_count(request.user),
        },
    )


@login_required
@require_GET
def bell(request):
    return render(
        request, "notify/_bell.html", {"unread_count": selectors.unread_count(request.user)}
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    try:
        notification = services.mark_read(user=request.user, notification_id=pk)
    except services.NotifyError as error:
        messages.error(request, str(error))
        return redirect("notify:list")
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return _back(request, "notify:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, gettext("All notifications are marked as read."))
    return _back(request, "notify:list")


@login_required
def preferences(request):
    instance = services.preferences_of(request.user)
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, gettext("Your notification settings are saved."))
        return redirect("notify:preferences")
    return render(
        request,
        "notify/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
