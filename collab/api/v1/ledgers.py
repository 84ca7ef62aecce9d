"""The progress ledger (进度台账) and the problem ledger (问题台账) as JSON rows, and
their PDF and Excel files, through archive_app: the same filters (its filter forms),
the same visibility (its selectors), the same rows and the same queued, cached document
service as the ledger pages. The files asked for are followed and downloaded through
documents; the rows and filters are in ledger_serializers."""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from archive_app import selectors, services, sources

from ..base import ApiViewSet
from ..schema import LIST_ERRORS, READ_ERRORS, error_response
from .documents import DOCUMENT_RESPONSES, ExportBody, document_response
from .documents import DocumentViewSet as DocumentViewSet
from .ledger_serializers import (
    ProblemLedgerFilterSerializer,
    ProblemRowSerializer,
    ProgressFilterSerializer,
    ProgressRowSerializer,
    ledger_filters,
)


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
