"""Thin views: parse, call a selector or a service, render."""

import zipfile
from pathlib import PurePath
from tempfile import SpooledTemporaryFile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from requests_app.selectors import request_for_page

from . import permissions, selectors, services, sources
from .errors import ArchiveError
from .forms import (
    ArchiveSearchForm,
    DecisionForm,
    LedgerFilterForm,
    ProblemLedgerFilterForm,
    ReportForm,
)
from .models import Document, DocumentStatus

PAGE_SIZE = 25


def _language() -> str:
    return get_language() or "en"


FILTER_FORMS = {"progress": LedgerFilterForm, "problem": ProblemLedgerFilterForm}
LEDGER_PAGES = {"progress": "archive:ledgers", "problem": "archive:problems"}


def _filters(request, ledger: str = "progress") -> tuple[LedgerFilterForm, dict]:
    form = FILTER_FORMS[ledger](request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


def _page_rows(request, queryset, build):
    """Paginate the sorted ids, then build rows for that page only: a fixed number of
    queries whatever the page size or the total."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = build(ids)
    order = {pk: index for index, pk in enumerate(ids)}
    rows.sort(key=lambda row: order[row["id"]])
    return page, rows


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def progress_ledger(request):
    form, filters = _filters(request)
    queryset = selectors.progress_ledger(request.user, filters=filters)
    page, rows = _page_rows(
        request,
        queryset.values_list("pk", flat=True),
        lambda ids: selectors.progress_rows(
            selectors.with_ledger_relations(queryset.filter(pk__in=ids))
        ),
    )
    return render(
        request,
        "archive_app/progress_ledger.html",
        {"form": form, "page": page, "rows": rows, "query": _query(request)},
    )


@login_required
@require_GET
def problem_ledger(request):
    form, filters = _filters(request, "problem")
    queryset = sources.problem_ledger(request.user, filters=filters)
    page, rows = _page_rows(
        request,
        queryset.values_list("pk", flat=True),
        lambda ids: sources.problem_rows(
            sources.with_problem_relations(queryset.filter(pk__in=ids))
        ),
    )
    return render(
        request,
        "archive_app/problem_ledger.html",
        {"form": form, "page": page, "rows": rows, "query": _query(request)},
    )


def _document_response(request, document):
    # With an eager queue (or a quick worker) the file may already be there.
    document.refresh_from_db(fields=["status"])
    if document.is_ready:
        return redirect("archive:download", key=document.key)
    return redirect("archive:document", key=document.key)


@login_required
@require_POST
def ledger_export(request, ledger: str, fmt: str):
    if ledger not in ("progress", "problem") or fmt not in ("pdf", "xlsx"):
        raise Http404
    form = FILTER_FORMS[ledger](request.GET or None)
    if request.GET and not form.is_valid():
        messages.error(request, gettext("Correct the filters first."))
        return redirect(f"{reverse(LEDGER_PAGES[ledger])}?{request.GET.urlencode()}")
    filters = form.cleaned_data if request.GET else {}
    document = services.request_ledger(
        by=request.user, ledger=ledger, fmt=fmt, filters=filters, language=_language()
    )
    return _document_response(request, document)


def _readable_document(request, key: str) -> Document:
    document = get_object_or_404(Document, key=key)
    if not permissions.can_download(request.user, document):
        raise Http404
    return document


@login_required
@require_GET
def document_page(request, key: str):
    document = _readable_document(request, key)
    template = (
        "archive_app/includes/document_status.html"
        if request.headers.get("HX-Request")
        else "archive_app/document.html"
    )
    return render(request, template, {"document": document, "Status": DocumentStatus})


@login_required
@require_GET
def download(request, key: str):
    document = _readable_document(request, key)
    if not document.is_ready:
        return redirect("archive:document", key=key)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def dossier_pdf(request, pk: int):
    obj = request_for_page(request.user, pk)
    if obj is None:
        raise Http404
    document = services.request_dossier(by=request.user, request=obj, language=_language())
    return _document_response(request, document)


@login_required
@require_POST
def minutes_pdf(request, pk: int):
    document = services.request_minutes(by=request.user, meeting_id=pk, language=_language())
    if document is None:
        raise Http404
    return _document_response(request, document)


# --- completion report ------------------------------------------------------------------


def _visible_request(request, pk: int):
    obj = request_for_page(request.user, pk)
    if obj is None:
        raise Http404
    return obj


@login_required
def report(request, pk: int):
    obj = _visible_request(request, pk)
    existing = selectors.report_for(obj)
    can_draft = permissions.can_draft_report(request.user, obj, existing)
    can_decide = permissions.can_decide_report(request.user, obj, existing)
    form = None
    if can_draft:
        if request.method == "POST":
            form = ReportForm(request.POST)
            if form.is_valid():
                try:
                    services.save_report(
                        request=obj,
                        by=request.user,
                        fields=form.cleaned_data,
                        submit="submit" in request.POST,
                    )
                except ArchiveError as error:
                    form.add_error(error.field, str(error))
                else:
                    messages.success(
                        request,
                        gettext("Report sent for approval.")
                        if "submit" in request.POST
                        else gettext("Draft saved."),
                    )
                    return redirect("archive:report", pk=obj.pk)
        else:
            initial = (
                {name: getattr(existing, name) for name in services.REPORT_FIELDS}
                if existing
                else services.report_prefill(obj)
            )
            form = ReportForm(initial=initial)
    elif request.method == "POST":
        messages.error(request, gettext("You cannot edit this completion report now."))
        return redirect("archive:report", pk=obj.pk)
    return render(
        request,
        "archive_app/report.html",
        {
            "object": obj,
            "report": existing,
            "form": form,
            "decision_form": DecisionForm() if can_decide else None,
            "lead": permissions.lead_department(obj),
            "record": getattr(obj, "archive_record", None) if obj.state == "archived" else None,
        },
    )


@login_required
@require_POST
def report_decide(request, pk: int):
    obj = _visible_request(request, pk)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_report(request=obj, by=request.user, approve=approve, comment=comment)
    except ArchiveError as error:
        messages.error(request, str(error))
        return redirect("archive:report", pk=obj.pk)
    if approve:
        messages.success(request, gettext("Report approved; the request is archived."))
        record = obj.archive_record
        return redirect("archive:record", pk=record.pk)
    messages.success(request, gettext("Report sent back to the lead department."))
    return redirect("archive:report", pk=obj.pk)


# --- archive ----------------------------------------------------------------------------


@login_required
@require_GET
def archive_list(request):
    form = ArchiveSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = selectors.archive_search(request.user, filters=filters)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "archive_app/archive_list.html",
        {"form": form, "page": page, "query": _query(request)},
    )


@login_required
@require_GET
def archive_record(request, pk: int):
    record = selectors.archive_record_for(request.user, pk)
    if record is None:
        raise Http404
    obj = request_for_page(request.user, record.request_id)
    return render(
        request,
        "archive_app/archive_record.html",
        {
            "record": record,
            "object": obj,
            "report": selectors.report_for(obj),
            "attachments": list(obj.attachments.all()),
            "deliverables": sources.deliverable_files(obj),
        },
    )


@login_required
@require_POST
def archive_dossier(request, pk: int):
    record = selectors.archive_record_for(request.user, pk)
    if record is None:
        raise Http404
    if record.dossier_id and record.dossier.is_ready:
        record.dossier.readers.add(request.user)
        return redirect("archive:download", key=record.dossier.key)
    obj = request_for_page(request.user, record.request_id)
    document = services.request_dossier(by=request.user, request=obj, language=_language())
    return _document_response(request, document)


@login_required
@require_GET
def archive_zip(request, pk: int):
    """All files of an archived request: the dossier, its attachments, the tasks'
    deliverables and progress files, and the problems' attachments."""
    record = selectors.archive_record_for(request.user, pk)
    if record is None:
        raise Http404
    obj = request_for_page(request.user, record.request_id)
    spool = SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open
    used = set()

    def unique(folder: str, name: str) -> str:
        # Only the last part of a stored name: an uploaded "../x" stays inside its folder.
        path = PurePath(folder) / (PurePath(name).name or "file")
        stem, suffix, counter = path.stem, path.suffix, 1
        while str(path) in used:
            counter += 1
            path = path.with_name(f"{stem} ({counter}){suffix}")
        used.add(str(path))
        return str(path)

    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if record.dossier_id and record.dossier.is_ready:
            with record.dossier.file.open("rb") as handle:
                archive.writestr(unique("", record.dossier.filename), handle.read())
        for attachment in obj.attachments.all():
            with attachment.file.open("rb") as handle:
                archive.writestr(
                    unique(gettext("attachments"), attachment.original_name), handle.read()
                )
        # Deliverables and progress files under their task, attachments under their problem.
        for folder, name, field_file in sources.archive_files(obj):
            with field_file.open("rb") as handle:
                archive.writestr(unique(folder, name), handle.read())
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{record.number}.zip",
        content_type="application/zip",
    )
