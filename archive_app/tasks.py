"""Thin Celery tasks for the `pdf` queue (routed in settings), with time limits; the
memory limit is applied around each render (rendering.memory_limit). The cache sweep
runs daily from the beat schedule (collab/schedule.py)."""

from celery import shared_task
from django.conf import settings

from . import jobs


@shared_task(
    name="archive_app.tasks.render_document",
    time_limit=settings.PDF_TIME_LIMIT_SECONDS + 30,
    soft_time_limit=settings.PDF_TIME_LIMIT_SECONDS,
    acks_late=True,
)
def render_document(*, document_id: int) -> None:
    jobs.render_document(document_id=document_id)


@shared_task(name="archive_app.tasks.clean_document_cache", acks_late=True)
def clean_document_cache() -> int:
    return jobs.clean_document_cache()
