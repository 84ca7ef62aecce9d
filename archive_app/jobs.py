"""The work behind the archive's Celery tasks: render a queued document and store the
file, and sweep old generated files. It queues nothing and imports no task, so `tasks`
builds on it while `services.generation` (which queues renders) builds on `tasks`."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import documents
from .deletion import remove_files
from .models import ArchiveRecord, Document, DocumentStatus


def _set_progress(document_id: int, **fields) -> None:
    Document.objects.filter(pk=document_id).update(**fields)


def render_document(*, document_id: int) -> None:
    """Run by the pdf worker: render the snapshot, store the file, drop the snapshot."""
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
