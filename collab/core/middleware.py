"""Text that cannot be stored never reaches a view.

PostgreSQL refuses NUL characters in text (`DataError` → HTTP 500), and a lookup by code
or user name with one inside fails there as well; other control characters are no text
a person means to send. This middleware refuses them in the path, the query string,
form fields and JSON bodies, for every page and API endpoint in one place: the API
answers 400 with the usual JSON error body, pages a 400 page saying why. Uploaded files
are not text and are not inspected."""

import json
import re

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
