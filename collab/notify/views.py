from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from . import dates, lateness, selectors, services
from .forms import LateReasonForm, PreferenceForm


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


@login_required
def late_reason(request, pk: int):
    """The person asked writes why a deadline was missed; anyone else gets a 404."""
    reason = lateness.reason_for(request.user, pk)
    title = lateness.title_of(reason) if reason is not None else None
    if reason is None or title is None:
        raise Http404
    form = LateReasonForm(request.POST or None) if reason.given_at is None else None
    if request.method == "POST":
        if reason.given_at is not None:
            messages.info(
                request,
                gettext("You already explained this delay at %(when)s.")
                % {"when": dates.local_datetime(reason.given_at)},
            )
            return redirect("notify:late_reason", pk=reason.pk)
        if form.is_valid():
            try:
                lateness.give_reason(
                    reason=reason, by=request.user, text=form.cleaned_data["reason"]
                )
            except lateness.LatenessError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, gettext("Thank you; your reason is recorded."))
            return redirect("notify:late_reason", pk=reason.pk)
    return render(
        request, "notify/late_reason.html", {"reason": reason, "title": title, "form": form}
    )
