"""Generated documents: the cache key of a snapshot and the request that finds the
finished file or queues it for the pdf worker (the render itself and the cache cleanup,
which the worker runs, are in `archive_app.jobs`)."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from requests_app.models import Request

from .. import sources
from ..dossier import build_snapshot
from ..models import Document, DocumentKind, DocumentStatus
from ..tasks import render_document
from .ledgers import problem_payload, progress_payload

LAYOUT_VERSION = "4"


def document_key(kind: str, language: str, payload: dict) -> str:
    """The cache key: everything the document shows, nothing else."""
    blob = json.dumps(
        [LAYOUT_VERSION, kind, language, settings.COMPANY_NAME, payload],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


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
