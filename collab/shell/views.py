from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from collab.core.inbox import inbox_for


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@require_POST
def set_language(request):
    """Django's language switch, also remembered on the person for e-mails and PDFs."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


@login_required
def my_work(request):
    return render(request, "shell/my_work.html", {"items": inbox_for(request.user)})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def locked_out(request, credentials=None, *args):
    """Shown instead of the log-in form while django-axes locks the account out."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
