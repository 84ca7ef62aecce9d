"""The API token page (reached from the user menu) and the API's JSON 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from . import services


@login_required
def tokens(request):
    """Create, replace or revoke your own token. The key is shown once, right after it
    is made: whoever holds it acts as you."""
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.revoke_token(user=request.user):
                messages.success(request, gettext("Your API token is revoked."))
            return redirect("api:tokens")
        new_key = services.issue_token(user=request.user).key
    return render(
        request,
        "api/tokens.html",
        {"token": services.token_of(request.user), "new_key": new_key},
    )


@csrf_exempt  # nothing happens here; a POST to a wrong path is a 404, not a CSRF 403
def not_found(request, *args, **kwargs):
    return JsonResponse(
        {"error": {"code": "not_found", "message": gettext("Not found.")}}, status=404
    )
