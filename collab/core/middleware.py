"""Text that cannot be stored never reaches a view.

PostgreSQL refuses NUL characters in text (`DataError` → HTTP 500), and a lookup by code
or user name with one inside fails there as well; other control characters are no text
a person means to send. This middleware refuses them in the path, the query string,
form fields and JSON bodies, for every page and API endpoint in one place: the API
answers 400 with the usual JSON error body, pages a 400 page saying why. Uploaded files
are not text and are not inspected."""

import json
import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext

# NUL and the C0 controls other than tab, line feed and carriage return.
INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _invalid_in(value) -> bool:
    if isinstance(value, str):
        return bool(INVALID.search(value))
    if isinstance(value, dict):
        return any(_invalid_in(k) or _invalid_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_invalid_in(v) for v in value)
    return False


def _texts(query_dict) -> list[str]:
    """Every key and value of a QueryDict."""
    return [text for key, values in query_dict.lists() for text in (key, *values)]


def _has_invalid_text(request) -> bool:
    if _invalid_in(request.path) or _invalid_in(_texts(request.GET)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in JSON_TYPES:
        try:
            return _invalid_in(json.loads(request.body or b"null"))
        except (ValueError, UnicodeDecodeError):
            return False  # malformed JSON: the API's parser says so itself
    # The API reads JSON only (and answers 415 to forms itself); parsing a form here
    # would consume the stream its parser needs.
    if content_type in FORM_TYPES and not _is_api(request):
        return _invalid_in(_texts(request.POST))
    return False


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class RejectInvalidTextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_invalid_text(request):
            message = gettext(
                "The request contains characters that are not text (such as NUL): remove "
                "them and try again."
            )
            if _is_api(request):
                return JsonResponse(
                    {"error": {"code": "invalid_characters", "message": message}}, status=400
                )
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Browser security headers. The Content-Security-Policy itself comes from django-csp
# (settings.CONTENT_SECURITY_POLICY); the classes below add what it does not cover.


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the additions in CONTENT_SECURITY_POLICY_UPDATES for
    the URL prefixes listed there: pages of vendored libraries (the Django admin, the API
    docs) that cannot run under the strict policy get what they need on their own URLs
    only. A view's own csp_update/csp_replace decorator still wins."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.update is not None:
            return parts
        for prefix, update in getattr(settings, "CONTENT_SECURITY_POLICY_UPDATES", {}).items():
            if request.path_info.startswith(prefix):
                parts.update = update
                break
        return parts


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` from settings.PERMISSIONS_POLICY on every response: the
    browser features the app never uses (camera, microphone, ...) stay off for its pages
    and anything that might get injected into them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response


# Answers that hold nothing personal and are fetched by machines, not people.
NO_STORE_EXEMPT_VIEWS = {"shell:healthz"}


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person: pages,
    API answers and downloaded files hold what only that person may see, and must not be
    kept by a shared proxy or left in the browser's cache for the next person on the
    machine. Static files (served before this middleware by WhiteNoise, and excluded here
    as well) and the health check keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._signed_in(request) and not self._exempt(request):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        # Read after the view: the API signs token users in inside the view itself.
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

    @staticmethod
    def _exempt(request) -> bool:
        if settings.STATIC_URL and request.path_info.startswith(settings.STATIC_URL):
            return True
        match = getattr(request, "resolver_match", None)
        return match is not None and match.view_name in NO_STORE_EXEMPT_VIEWS
