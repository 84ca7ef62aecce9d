"""Every API error has one shape:

    {"error": {"code": "validation_error", "message": "…", "fields": {"title": ["…"]}}}

`code` is for programs and never translated; `message` is for people, in the language
of the request (Accept-Language). Each domain app's error class maps here, so a
service's refusal reads the same in the API as in the browser."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

from archive_app.errors import ArchiveError
from issues_app.errors import IssueError
from requests_app.errors import RequestError
from tasks_app.errors import TaskError


class InvalidTransition(exceptions.APIException):
    """The object is not in a state that allows the action (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"
    default_detail = _("This action is not possible in the current state.")

    def __init__(self, detail=None, *, current_state: str):
        super().__init__(detail)
        self.current_state = current_state


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = _(
        "Send the ETag you last read in an If-Match header, so that nobody's change is "
        "overwritten unknowingly."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = _("Someone changed this in the meantime; read it again and retry.")

    def __init__(self, detail=None, *, current_etag: str):
        super().__init__(detail)
        self.current_etag = current_etag


# Each domain app's error class; its instances carry `message` and an optional `field`.
DOMAIN_ERRORS: dict[type[Exception], str] = {
    RequestError: "request_error",
    TaskError: "task_error",
    IssueError: "issue_error",
    ArchiveError: "archive_error",
}


def domain_error_class_of(exc) -> str | None:
    for cls, code in DOMAIN_ERRORS.items():
        if isinstance(exc, cls):
            return code
    return None


def _message_of_fields(fields) -> str:
    """The first human message in a nested DRF error structure."""
    if isinstance(fields, dict):
        for value in fields.values():
            found = _message_of_fields(value)
            if found:
                return found
        return ""
    if isinstance(fields, list):
        for value in fields:
            found = _message_of_fields(value)
            if found:
                return found
        return ""
    return str(fields)


def _body(code: str, message, **extra) -> dict:
    return {"error": {"code": code, "message": str(message), **extra}}


def _validation_body(detail) -> dict:
    if isinstance(detail, dict):
        fields = dict(detail)
        general = fields.pop("non_field_errors", None)
        message = _message_of_fields(general) if general else ""
        if not message:
            message = gettext("Some fields are not valid.") if fields else ""
        body = _body("validation_error", message or gettext("The input is not valid."))
        if fields:
            body["error"]["fields"] = fields
        if general:
            body["error"]["non_field_errors"] = general
        return body
    return _body(
        "validation_error", _message_of_fields(detail) or gettext("The input is not valid.")
    )


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(gettext("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))

    domain_code = domain_error_class_of(exc)
    if domain_code is not None:
        set_rollback()
        field = getattr(exc, "field", None)
        message = str(exc)
        if field:
            return Response(
                {
                    "error": {
                        "code": "validation_error",
                        "message": message,
                        "fields": {field: [message]},
                    }
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(_body(domain_code, message), status=status.HTTP_409_CONFLICT)

    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"

    if isinstance(exc, exceptions.ValidationError):
        body = _validation_body(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        body = _body("malformed_request", exc.detail)
    else:
        code = exc.default_code
        if isinstance(exc.detail, str) and getattr(exc.detail, "code", None):
            code = exc.detail.code
        body = _body(code, _message_of_fields(exc.detail))
    if isinstance(exc, InvalidTransition):
        body["error"]["current_state"] = exc.current_state
    if isinstance(exc, PreconditionFailed):
        body["error"]["current_etag"] = exc.current_etag
        headers["ETag"] = exc.current_etag
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def denied() -> exceptions.PermissionDenied:
    """403 for an object the person may see but not act on (invisible ones are 404)."""
    return exceptions.PermissionDenied(gettext("You are not allowed to do this."))
