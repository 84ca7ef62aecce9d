"""The progress ledger (进度台账) and the problem ledger (问题台账) as JSON rows, and
their PDF and Excel files, through archive_app: the same filters (its filter forms),
the same visibility (its selectors), the same rows and the same queued, cached document
service as the ledger pages. A document is read and downloaded by the people who asked
for it; anyone else gets 404."""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from archive_app import permissions, selectors, services, sources
from archive_app.forms import LedgerFilterForm, ProblemLedgerFilterForm
from archive_app.models import Document, DocumentStatus
from archive_app.sources.issues import PROBLEM_SORTS
from collab.org.models import Department
from issues_app.models import Grade, ProblemState

from ..base import ApiViewSet
from ..errors import InvalidTransition
from ..schema import LIST_ERRORS, READ_ERRORS, error_response

# --- rows ----------------------------------------------------------------------------

DISPLAY = "Local time as shown on the ledger (YYYY-MM-DD or YYYY-MM-DD HH:MM)."


class MilestoneRowSerializer(serializers.Serializer):
    date = serializers.CharField()
    text = serializers.CharField()
    passed = serializers.BooleanField()


class LateReasonRowSerializer(serializers.Serializer):
    person = serializers.CharField()
    due = serializers.CharField(help_text=DISPLAY)
    reason = serializers.CharField(help_text="Empty until the person explains the delay.")
    given = serializers.CharField(allow_null=True, help_text=DISPLAY)


class ProgressRowSerializer(serializers.Serializer):
    """One request on the progress ledger; labels are in the request's language."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    requesting = serializers.CharField(help_text="Requesting department code.")
    requesting_name = serializers.CharField()
    requester = serializers.CharField()
    addressed = serializers.ListField(child=serializers.CharField(), help_text="Codes.")
    addressed_names = serializers.ListField(child=serializers.CharField())
    state = serializers.CharField()
    state_label = serializers.CharField()
    step = serializers.CharField(help_text="The next step(s).")
    holder = serializers.CharField(help_text="Who holds the next step.")
    milestones = MilestoneRowSerializer(many=True)
    progress = serializers.IntegerField(allow_null=True, help_text="Task progress, percent.")
    tasks_done = serializers.IntegerField(allow_null=True)
    tasks_total = serializers.IntegerField(allow_null=True)
    tasks_late = serializers.IntegerField(allow_null=True)
    priority = serializers.CharField()
    start_date = serializers.CharField(allow_null=True, help_text=DISPLAY)
    deadline = serializers.CharField(allow_null=True, help_text=DISPLAY)
    submitted = serializers.CharField(allow_null=True, help_text=DISPLAY)
    step_due = serializers.CharField(
        allow_null=True, help_text="When the current step (review, report) is due. " + DISPLAY
    )
    step_due_provisional = serializers.BooleanField(
        help_text="The step's due time falls on a year's provisional holiday calendar."
    )
    step_late = serializers.BooleanField()
    overdue = serializers.BooleanField()
    overdue_reasons = serializers.ListField(child=serializers.CharField())
    late_reasons = LateReasonRowSerializer(
        many=True,
        help_text="Reasons for delays of more than 24 h, asked of the people responsible.",
    )
    web_url = serializers.SerializerMethodField(help_text="The request's page in the browser.")

    def get_web_url(self, row) -> str:
        return reverse("requests:detail", args=[row["id"]])


class ProblemRowSerializer(serializers.Serializer):
    """One problem on the problem ledger; labels are in the request's language."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    request_id = serializers.IntegerField()
    request_number = serializers.CharField()
    task_number = serializers.CharField()
    grade = serializers.CharField(help_text="general, important, major, or empty.")
    grade_label = serializers.CharField()
    category = serializers.CharField()
    reporter = serializers.CharField()
    reporting = serializers.CharField(help_text="Reporting department code.")
    departments = serializers.ListField(child=serializers.CharField(), help_text="Concerned.")
    responded = serializers.ListField(child=serializers.CharField(), help_text="Have responded.")
    owner = serializers.CharField()
    reported_at = serializers.CharField(help_text=DISPLAY)
    response_due = serializers.CharField(help_text=DISPLAY)
    response_due_provisional = serializers.BooleanField(
        help_text="The response limit falls on a year's provisional holiday calendar."
    )
    resolve_due = serializers.CharField(help_text=DISPLAY)
    resolve_due_provisional = serializers.BooleanField(
        help_text="The solution limit falls on a year's provisional holiday calendar."
    )
    state = serializers.CharField()
    state_label = serializers.CharField()
    status_label = serializers.CharField()
    closed = serializers.BooleanField()
    resolution = serializers.CharField()
    resolved_at = serializers.CharField(help_text=DISPLAY)
    closed_at = serializers.CharField(help_text=DISPLAY)
    days_open = serializers.IntegerField()
    overdue = serializers.BooleanField()
    overdue_reasons = serializers.ListField(child=serializers.CharField())
    web_url = serializers.SerializerMethodField(help_text="The problem's page in the browser.")

    def get_web_url(self, row) -> str:
        return reverse("issues:problem", args=[row["id"]])


# --- filters: parsed here, then checked by the ledger page's own form -----------------


class ProgressFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text="Period start: requests due on or after it."
    )
    date_to = serializers.DateField(
        required=False, help_text="Period end: requests started on or before it."
    )
    department = serializers.CharField(
        required=False, help_text="Department code: requests it filed or is addressed by."
    )
    state = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in selectors.LEDGER_STATES], required=False
    )
    overdue = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(
        choices=[value for value, _label in LedgerFilterForm.base_fields["sort"].choices],
        required=False,
        help_text="Default: -submitted.",
    )


class ProblemLedgerFilterSerializer(ProgressFilterSerializer):
    date_from = serializers.DateField(
        required=False, help_text="Period start: problems not closed before it."
    )
    date_to = serializers.DateField(
        required=False, help_text="Period end: problems reported on or before it."
    )
    department = serializers.CharField(
        required=False, help_text="Department code: problems it reported or is concerned by."
    )
    grade = serializers.ChoiceField(
        choices=[*Grade.choices, ("ungraded", _("Not graded yet"))], required=False
    )
    state = serializers.ChoiceField(choices=ProblemState.choices, required=False)
    sort = serializers.ChoiceField(
        choices=list(PROBLEM_SORTS), required=False, help_text="Default: -reported."
    )


LEDGERS = {
    # ledger: (filter serializer, the page's filter form)
    "progress": (ProgressFilterSerializer, LedgerFilterForm),
    "problem": (ProblemLedgerFilterSerializer, ProblemLedgerFilterForm),
}


def ledger_filters(ledger: str, query_params) -> dict:
    """The filters of the ledger page, from the query string; 400 when invalid."""
    serializer_class, form_class = LEDGERS[ledger]
    parsed = serializer_class(data=query_params)
    parsed.is_valid(raise_exception=True)
    data = {}
    for name, value in parsed.validated_data.items():
        if name == "department":
            department = Department.objects.active().filter(code=value.upper()).first()
            if department is None:
                raise ValidationError({"department": [gettext("No such department.")]})
            data[name] = department.pk
        elif name == "overdue":
            if value:
                data[name] = "on"
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = value
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError(
            {
                name: [e["message"] for e in errors]
                for name, errors in form.errors.get_json_data().items()
            }
        )
    return form.cleaned_data


# --- documents -----------------------------------------------------------------------


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


def _export_doc(ledger_name, filters):
    return extend_schema(
        summary=f"Ask for the {ledger_name} as PDF or Excel",
        description="The same filters as the list. The file is rendered in the background "
        "in the request's language; the same data asked again returns the file at once.",
        parameters=[filters],
        request=ExportBody,
        responses={
            **DOCUMENT_RESPONSES,
            400: error_response("Invalid filter or format."),
            **READ_ERRORS,
        },
    )


class LedgerViewSet(ApiViewSet):
    """Everyone signed in has ledgers: the rows are what they may see (the executive
    secretary sees every submitted request)."""

    def _rows(self, queryset, build):
        """Paginate the sorted ids, then build rows for that page only: a fixed number
        of queries whatever the page size or the total."""
        ids = list(self.paginate_queryset(queryset.values_list("pk", flat=True)))
        order = {pk: index for index, pk in enumerate(ids)}
        return sorted(build(ids), key=lambda row: order[row["id"]])

    @extend_schema(
        summary="The progress ledger: every request you may see, with its state, next "
        "step, milestones, task progress and overdue flags",
        parameters=[ProgressFilterSerializer],
        responses={200: ProgressRowSerializer(many=True), **LIST_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def progress(self, request):
        filters = ledger_filters("progress", request.query_params)
        queryset = selectors.progress_ledger(request.user, filters=filters)
        rows = self._rows(
            queryset,
            lambda ids: selectors.progress_rows(
                selectors.with_ledger_relations(queryset.filter(pk__in=ids))
            ),
        )
        return self.get_paginated_response(ProgressRowSerializer(rows, many=True).data)

    @extend_schema(
        summary="The problem ledger: every problem you may see, with its grade, owner, "
        "limits, state and resolution",
        parameters=[ProblemLedgerFilterSerializer],
        responses={200: ProblemRowSerializer(many=True), **LIST_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def problems(self, request):
        filters = ledger_filters("problem", request.query_params)
        queryset = sources.problem_ledger(request.user, filters=filters)
        rows = self._rows(
            queryset,
            lambda ids: sources.problem_rows(
                sources.with_problem_relations(queryset.filter(pk__in=ids))
            ),
        )
        return self.get_paginated_response(ProblemRowSerializer(rows, many=True).data)

    def _export(self, ledger):
        filters = ledger_filters(ledger, self.request.query_params)
        body = ExportBody(data=self.request.data)
        body.is_valid(raise_exception=True)
        document = services.request_ledger(
            by=self.request.user,
            ledger=ledger,
            fmt=body.validated_data["format"],
            filters=filters,
            language=get_language() or "en",
        )
        return document_response(self.request, document)

    @_export_doc("progress ledger", ProgressFilterSerializer)
    @action(detail=False, methods=["post"], url_path="progress/export")
    def progress_export(self, request):
        return self._export("progress")

    @_export_doc("problem ledger", ProblemLedgerFilterSerializer)
    @action(detail=False, methods=["post"], url_path="problems/export")
    def problems_export(self, request):
        return self._export("problem")


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
