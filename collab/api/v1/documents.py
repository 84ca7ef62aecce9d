"""Generated documents (ledgers, minutes, dossiers as PDF or Excel) through archive_app:
their status while they wait in the queue and the finished file. A document is read
and downloaded by the people who asked for it; anyone else gets 404."""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from archive_app import permissions
from archive_app.models import Document, DocumentStatus

from ..base import ApiViewSet
from ..errors import InvalidTransition
from ..schema import READ_ERRORS, error_response


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True,
        help_text="progress_pdf, progress_xlsx, problem_pdf, problem_xlsx, minutes_pdf, "
        "dossier_pdf.",
    )
    status = serializers.ChoiceField(
        choices=DocumentStatus.choices,
        read_only=True,
        help_text="queued → running → ready, or failed (ask again to retry).",
    )
    download_url = serializers.SerializerMethodField(help_text="Null until the file is ready.")
    status_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField(help_text="The document's page in the browser.")

    class Meta:
        model = Document
        fields = [
            "key",
            "kind",
            "filename",
            "language",
            "status",
            "progress",
            "rows",
            "size",
            "pages",
            "created_at",
            "finished_at",
            "status_url",
            "download_url",
            "web_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document) -> str | None:
        if not document.is_ready:
            return None
        return reverse("api:document-download", args=[document.key])

    def get_status_url(self, document) -> str:
        return reverse("api:document-detail", args=[document.key])

    def get_web_url(self, document) -> str:
        return reverse("archive:document", args=[document.key])


class ExportBody(serializers.Serializer):
    format = serializers.ChoiceField(choices=[("pdf", "PDF"), ("xlsx", "Excel")])


def document_response(http_request, document) -> Response:
    """200 with the finished file's links, or 202 while it waits in the queue."""
    # With an eager queue (or a quick worker) the file may already be there.
    document.refresh_from_db(
        fields=["status", "progress", "rows", "size", "pages", "file", "finished_at"]
    )
    data = DocumentSerializer(document).data
    code = status.HTTP_200_OK if document.is_ready else status.HTTP_202_ACCEPTED
    location = http_request.build_absolute_uri(data["status_url"])
    return Response(data, status=code, headers={"Location": location})


DOCUMENT_RESPONSES = {
    200: OpenApiResponse(DocumentSerializer, description="The file is ready (cached)."),
    202: OpenApiResponse(
        DocumentSerializer, description="Queued: poll status_url until it is ready."
    ),
}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DocumentViewSet(ApiViewSet):
    lookup_field = "key"
    lookup_value_regex = r"[0-9a-f]{64}"

    def _readable(self, key) -> Document:
        # Never the snapshot: a queued ledger's rows can be large.
        document = Document.objects.defer("payload").filter(key=key).first()
        if document is None or not permissions.can_download(self.request.user, document):
            raise Http404
        return document

    def perform_content_negotiation(self, request, force=False):
        # A client asking for the file's type gets the file, and any error as JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        summary="A generated document's status",
        responses={200: DocumentSerializer, **READ_ERRORS},
    )
    def retrieve(self, request, key=None):
        return Response(DocumentSerializer(self._readable(key)).data)

    @extend_schema(
        summary="Download a generated document",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, XLSX): OpenApiTypes.BINARY,
            **READ_ERRORS,
            409: error_response("Not ready yet (invalid_transition, with current_state)."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, key=None):
        document = self._readable(key)
        if not document.is_ready:
            raise InvalidTransition(
                gettext("The document is not ready yet."), current_state=document.status
            )
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document.filename,
            content_type=document.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response
