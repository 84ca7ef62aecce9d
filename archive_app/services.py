"""Every write of the archive app: generated documents, completion reports, archiving
and deletion after retention. One transaction each; Celery work and notifications are
queued after commit."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from issues_app.models import Grade, ProblemState
from requests_app import services as request_services
from requests_app import steps as request_steps
from requests_app.models import Request, State

from . import permissions, selectors, sources
from .dossier import build_snapshot
from .errors import ArchiveError
from .models import (
    ArchiveDeletion,
    ArchiveRecord,
    CompletionReport,
    Document,
    DocumentKind,
    DocumentStatus,
)

# Bump when a template or the workbook layout changes, so cached files are rebuilt.
LAYOUT_VERSION = "4"

LEDGER_TITLES = {
    "progress": lambda: gettext("Cross-department collaboration progress ledger"),
    "problem": lambda: gettext("Cross-department collaboration problem ledger"),
}


# --- generated documents ------------------------------------------------------------


def document_key(kind: str, language: str, payload: dict) -> str:
    """The cache key: everything the document shows, nothing else."""
    blob = json.dumps(
        [LAYOUT_VERSION, kind, language, settings.COMPANY_NAME, payload],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _filters_text(filters: dict, *, ledger: str = "progress") -> str:
    parts = []
    if filters.get("date_from") or filters.get("date_to"):
        parts.append(
            gettext("Period: %(start)s – %(end)s")
            % {
                "start": filters.get("date_from") or "…",
                "end": filters.get("date_to") or "…",
            }
        )
    if filters.get("department"):
        parts.append(gettext("Department: %(name)s") % {"name": filters["department"].name})
    if filters.get("grade"):
        grade = filters["grade"]
        label = Grade(grade).label if grade in Grade.values else gettext("not graded")
        parts.append(f"{gettext('Grade')}: {label}")
    if filters.get("state"):
        states = ProblemState if ledger == "problem" else State
        parts.append(gettext("State: %(state)s") % {"state": states(filters["state"]).label})
    if filters.get("overdue"):
        parts.append(gettext("Overdue only"))
    if parts or ledger == "problem":
        return " · ".join(parts)
    return gettext("All requests")


def progress_payload(user, *, filters: dict, language: str) -> dict:
    with translation.override(language):
        requests = selectors.with_ledger_relations(selectors.progress_ledger(user, filters=filters))
        rows = selectors.progress_rows(requests)
        return {
            "title": LEDGER_TITLES["progress"](),
            "filters": _filters_text(filters),
            "summary": selectors.ledger_summary(rows),
            "as_of": str(timezone.localdate()),
            "rows": rows,
            "any_provisional": any(r["step_due_provisional"] for r in rows),
        }


def problem_payload(user, *, filters: dict, language: str) -> dict:
    with translation.override(language):
        rows = sources.problem_ledger_rows(user, filters)
        return {
            "title": LEDGER_TITLES["problem"](),
            "filters": _filters_text(filters, ledger="problem"),
            "summary": sources.problem_summary(rows),
            "as_of": str(timezone.localdate()),
            "rows": rows,
            "any_provisional": any(
                r["response_due_provisional"] or r["resolve_due_provisional"] for r in rows
            ),
        }


def _filename(title: str, suffix: str) -> str:
    return f"{title}-{timezone.localdate():%Y%m%d}{suffix}"


def request_document(*, by, kind: str, payload: dict, language: str, filename: str) -> Document:
    """Find the finished file for exactly this content, or queue it for the pdf worker."""
    key = document_key(kind, language, payload)
    stale_before = timezone.now() - timedelta(seconds=settings.PDF_TIME_LIMIT_SECONDS * 2)
    with transaction.atomic():
        document, created = Document.objects.select_for_update().get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "language": language,
                "filename": filename,
                "payload": payload,
                "rows": len(payload.get("rows", ())),
            },
        )
        # A failed run, or one whose worker died, is queued again when someone asks.
        retry = document.status == DocumentStatus.FAILED or (
            not document.is_finished and document.created_at < stale_before
        )
        if retry:
            document.status = DocumentStatus.QUEUED
            document.progress = 0
            document.error = ""
            document.payload = payload
            document.created_at = timezone.now()
            document.save()
        document.readers.add(by)
        if created or retry:
            document_id = document.pk
            transaction.on_commit(lambda: _queue_render(document_id))
    return document


def _queue_render(document_id: int) -> None:
    from .tasks import render_document

    render_document.delay(document_id=document_id)


def request_ledger(*, by, ledger: str, fmt: str, filters: dict, language: str) -> Document:
    if ledger == "problem":
        payload = problem_payload(by, filters=filters, language=language)
        kind = DocumentKind.PROBLEM_XLSX if fmt == "xlsx" else DocumentKind.PROBLEM_PDF
    else:
        payload = progress_payload(by, filters=filters, language=language)
        kind = DocumentKind.PROGRESS_XLSX if fmt == "xlsx" else DocumentKind.PROGRESS_PDF
    suffix = ".xlsx" if fmt == "xlsx" else ".pdf"
    return request_document(
        by=by,
        kind=kind,
        payload=payload,
        language=language,
        filename=_filename(payload["title"], suffix),
    )


def request_dossier(*, by, request: Request, language: str) -> Document:
    """The dossier PDF of a request the caller has already found visible for `by`."""
    with translation.override(language):
        payload = build_snapshot(request)
    number = request.number or str(request.pk)
    with translation.override(language):
        name = f"{number}-{gettext('dossier')}.pdf"
    return request_document(
        by=by, kind=DocumentKind.DOSSIER_PDF, payload=payload, language=language, filename=name
    )


def request_minutes(*, by, meeting_id: int, language: str) -> Document | None:
    """The minutes PDF of a published meeting `by` may see, or None; the snapshot is
    taken in the reader's language."""
    with translation.override(language):
        minutes = sources.minutes_for_pdf(by, meeting_id)
        if minutes is None:
            return None
        name = f"{gettext('Minutes')}-{minutes['title'][:60]}.pdf"
    return request_document(
        by=by, kind=DocumentKind.MINUTES_PDF, payload=minutes, language=language, filename=name
    )


def _set_progress(document_id: int, **fields) -> None:
    Document.objects.filter(pk=document_id).update(**fields)


def render_document(*, document_id: int) -> None:
    """Run by the pdf worker: render the snapshot, store the file, drop the snapshot."""
    from . import documents

    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.is_ready or document.payload is None:
        return
    _set_progress(
        document_id, status=DocumentStatus.RUNNING, progress=10, started_at=timezone.now()
    )
    finished = False
    try:
        content, pages = documents.render(
            document.kind,
            document.payload,
            document.language,
            on_stage=lambda percent: _set_progress(document_id, progress=percent),
        )
        finished = True
    finally:
        # WeasyPrint's fatal fetch error is a BaseException and Celery's time limit an
        # Exception: whatever stops the render, the person waiting learns it failed.
        if not finished:
            _set_progress(
                document_id,
                status=DocumentStatus.FAILED,
                progress=100,
                finished_at=timezone.now(),
                error="render failed",
            )
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        document.file.save(f"{document.key}{document.extension}", ContentFile(content), save=False)
        document.size = len(content)
        document.pages = pages
        document.status = DocumentStatus.READY
        document.progress = 100
        document.finished_at = timezone.now()
        document.payload = None
        document.save()


CLEANUP_BATCH = 200


def clean_document_cache(*, now=None, batch: int = CLEANUP_BATCH) -> int:
    """Delete generated files older than PDF_CACHE_DAYS, except archived dossiers (kept
    with their archive entry). Idempotent: a second run finds nothing. Rows are claimed
    with SKIP LOCKED, so two sweeps, or a worker saving the same row, never collide;
    files are removed after the rows' transaction commits."""
    from .deletion import remove_files

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PDF_CACHE_DAYS)
    kept = ArchiveRecord.objects.filter(dossier__isnull=False).values("dossier_id")
    old = Document.objects.filter(created_at__lt=cutoff).exclude(pk__in=kept)
    # Finished recently (a long queue) counts as recent.
    old = old.exclude(finished_at__gte=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            documents = list(
                old.select_for_update(skip_locked=True).order_by("pk").only("pk", "file")[:batch]
            )
            if not documents:
                break
            files = [d.file for d in documents if d.file]
            Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
            transaction.on_commit(lambda files=files: remove_files(files))
        deleted += len(documents)
        if len(documents) < batch:
            break
    return deleted


# --- completion report (对接报告) ----------------------------------------------------------


def _locked_report(request) -> CompletionReport | None:
    return CompletionReport.objects.select_for_update().filter(request=request).first()


def report_prefill(request) -> dict:
    """A first draft from the data: the request, its tasks and its open problems."""
    snapshot = build_snapshot(request)
    tasks = snapshot["tasks"]
    lines = [f"{request.number} {request.title}", request.content_deliverables]
    lines += [f"- {t.get('number', '')} {t.get('name', '')}: {t.get('state', '')}" for t in tasks]
    results = [f"- {m['date']} {m['text']}" for m in snapshot["milestones"]]
    results += [
        f"- {r.get('department', '')}: {r.get('speed', '')}/{r.get('professionalism', '')}/"
        f"{r.get('cooperation', '')}"
        for r in snapshot["ratings"]
    ]
    problems = [
        f"- {p.get('number', '')} {p.get('title', '')} ({p.get('state_label', '')})"
        for p in snapshot["problems"]
        if not p.get("closed")
    ]
    return {
        "work_done": "\n".join(line for line in lines if line),
        "results": "\n".join(results),
        "open_problems": "\n".join(problems),
        "suggestions": "",
    }


REPORT_FIELDS = ("work_done", "results", "open_problems", "suggestions")


def save_report(*, request, by, fields: dict, submit: bool = False) -> CompletionReport:
    """Create or edit the draft; `submit` sends it to the requesting head."""
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        report = _locked_report(request)
        if not permissions.can_draft_report(by, request, report):
            raise ArchiveError(gettext("You cannot edit this completion report now."))
        for name in ("work_done", "results"):
            if not (fields.get(name) or "").strip():
                raise ArchiveError(gettext("This field is required."), field=name)
        if report is None:
            report = CompletionReport(request=request, drafted_by=by)
        for name in REPORT_FIELDS:
            setattr(report, name, (fields.get(name) or "").strip())
        report.drafted_by = by
        if submit:
            report.submit()
            report.submitted_at = timezone.now()
        report.save()
        if submit:
            request_steps.report_step(
                request=request, step=request_steps.REPORT_APPROVAL, now=report.submitted_at
            )
            _notify(
                request,
                [request.requesting_department.head],
                "archive.report.submitted",
                "report_submitted",
            )
    return report


def decide_report(*, request, by, approve: bool, comment: str = "") -> CompletionReport:
    """The requesting head approves (which archives the request) or sends it back."""
    try:
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=request.pk)
            report = _locked_report(request)
            if not permissions.can_decide_report(by, request, report):
                raise _stale_or_denied(by, request, report)
            if not approve and not comment.strip():
                raise ArchiveError(gettext("Say what should change."), field="comment")
            (report.approve if approve else report.send_back)()
            report.decided_by = by
            report.decided_at = timezone.now()
            report.decision_comment = comment.strip()
            report.save()
            if approve:
                archive(request=request, by=by)
            else:
                request_steps.report_step(
                    request=request, step=request_steps.REPORT_DRAFT, now=report.decided_at
                )
                _notify(request, [report.drafted_by], "archive.report.returned", "report_returned")
    except (TransitionNotAllowed, ConcurrentTransition):
        raise _stale_or_denied(by, request, None) from None
    return report


def _stale_or_denied(by, request, report) -> ArchiveError:
    report = CompletionReport.objects.filter(request=request).select_related("decided_by").first()
    if report and report.decided_by and permissions.is_requesting_head(by, request):
        return ArchiveError(
            gettext("Already decided by %(name)s.") % {"name": report.decided_by.name}
        )
    return ArchiveError(gettext("You cannot decide on this completion report."))


def archive(*, request, by) -> ArchiveRecord:
    """File the request under department – date – number; it becomes read-only."""
    with transaction.atomic():
        request_services.archive_request(request=request, by=by)
        now = timezone.now()
        filed_on = timezone.localdate(now)
        record = ArchiveRecord.objects.create(
            request=request,
            department=request.requesting_department,
            filed_on=filed_on,
            number=request.number,
            title=request.title,
            archived_at=now,
            archived_by=by,
            retention_until=_add_years(filed_on, settings.ARCHIVE_RETENTION_YEARS),
            search_text=search_text_for(request),
        )
        record_id = record.pk
        language = request.requester.preferred_language or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _file_dossier(record_id, language))
        _notify(request, [request.requester], "archive.request.archived", "archived")
    return record


def _file_dossier(record_id: int, language: str) -> None:
    """Render the archived dossier once, in the requester's language, and keep it."""
    record = ArchiveRecord.objects.select_related("request__requester").get(pk=record_id)
    document = request_dossier(
        by=record.request.requester, request=record.request, language=language
    )
    ArchiveRecord.objects.filter(pk=record_id).update(dossier=document)


def _add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def search_text_for(request) -> str:
    """Everything searchable in the archive, in both languages' department names."""
    snapshot = build_snapshot(request)
    r = snapshot["request"]
    parts = [
        r["number"],
        r["title"],
        r["requesting"],
        request.requesting_department.name_zh,
        request.requesting_department.name_en,
        r["background_goal"],
        r["content_deliverables"],
        r["resource_needs"],
    ]
    for rd in request.departments.select_related("department"):
        parts += [rd.department.code, rd.department.name_zh, rd.department.name_en]
    parts += [m["text"] for m in snapshot["milestones"]]
    parts += [a["name"] for a in snapshot["attachments"]]
    for group in ("tasks", "problems", "minutes"):
        for item in snapshot[group]:
            parts += [str(v) for v in item.values() if isinstance(v, str)]
    if snapshot["report"]:
        parts += [snapshot["report"][k] for k in REPORT_FIELDS]
    return "\n".join(p for p in parts if p)


def delete_archived(*, record, by, reason: str) -> ArchiveDeletion:
    """After the retention date an administrator may delete an archived request; the
    deletion itself is recorded.

    Everything filed with the request goes with it, in one transaction and in the order
    the protecting foreign keys demand (see `deletion.delete_request_tree`); the stored
    files are removed once the transaction has committed."""
    if not permissions.can_delete_archived(by, record):
        raise ArchiveError(
            gettext("Only an administrator may delete this, and only after %(date)s.")
            % {"date": record.retention_until}
        )
    if not reason.strip():
        raise ArchiveError(gettext("Say why the entry is deleted."), field="reason")
    from .deletion import delete_request_tree, remove_files
    from .guards import deletion_allowed

    with transaction.atomic():
        record = (
            ArchiveRecord.objects.select_for_update(of=("self",))
            .select_related("department", "request", "dossier")
            .get(pk=record.pk)
        )
        entry = ArchiveDeletion.objects.create(
            number=record.number,
            title=record.title,
            department_code=record.department.code,
            filed_on=record.filed_on,
            retention_until=record.retention_until,
            deleted_by=by,
            deleted_at=timezone.now(),
            reason=reason.strip(),
        )
        request = record.request
        dossier = record.dossier
        with deletion_allowed(request.pk):
            record.delete()
            files = delete_request_tree(request)
            if dossier is not None:
                files.append(dossier.file)
                dossier.delete()
        transaction.on_commit(lambda: remove_files(files))
    return entry


def _notify(request, recipients, event: str, template: str) -> None:
    from requests_app.notifications import queue_notification

    queue_notification(
        request=request,
        recipients=[r for r in recipients if r is not None],
        event=event,
        template=f"archive_app/notify/{template}",
    )


def report_url(request) -> str:
    return reverse("archive:report", args=[request.pk])
