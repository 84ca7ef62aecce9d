"""OpenAPI pieces shared by every resource: the error body, the ETag and If-Match
headers, and the error responses each kind of operation can give."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, never translated.")
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(
        required=False, help_text="Validation errors by field name (validation_error only)."
    )
    current_state = serializers.CharField(
        required=False, help_text="The object's state now (invalid_transition only)."
    )
    current_etag = serializers.CharField(
        required=False, help_text="The object's ETag now (precondition_failed only)."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "The ETag from the last read of this object. Missing: 428 precondition_required; "
        "stale (someone changed the object since): 412 precondition_failed."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="An ETag read before: 304 when the object has not changed since.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="The object's version; send it back in If-Match when you change it.",
)


def error_response(description) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


READ_ERRORS = {
    401: error_response(_("Not authenticated.")),
    404: error_response(_("Not found, or not visible to you.")),
}
LIST_ERRORS = {
    400: error_response(_("Invalid filter.")),
    401: error_response(_("Not authenticated.")),
    404: error_response(_("No such page.")),
}
CREATE_ERRORS = {
    400: error_response(
        _("Invalid input (validation_error) or malformed JSON (malformed_request).")
    ),
    401: error_response(_("Not authenticated.")),
    403: error_response(_("You may not do this.")),
    415: error_response(_("Send application/json.")),
}
WRITE_ERRORS = {
    **CREATE_ERRORS,
    404: error_response(_("Not found, or not visible to you.")),
    409: error_response(
        _("Not possible in the current state (invalid_transition, with current_state).")
    ),
    412: error_response(_("If-Match does not match the current ETag (precondition_failed).")),
    428: error_response(_("If-Match is missing (precondition_required).")),
}


def transition_doc_for(detail_serializer):
    """The schema decorator of a resource's POST transitions: If-Match in, the updated
    detail (with its new ETag) out, and the errors any write can give."""

    def doc(summary: str, body, description: str = ""):
        return extend_schema(
            summary=summary,
            description=description,
            request=body,
            parameters=[IF_MATCH, ETAG],
            responses={200: detail_serializer, **WRITE_ERRORS},
        )

    return doc
