"""Ledger PDFs render on the `pdf` queue of a real worker, through Redis."""

import io

from django.conf import settings
from django.db import transaction
from pypdf import PdfReader

from archive_app.models import Document, DocumentStatus
from archive_app.services import request_ledger
from collab.org.demo import seed_organisation
from collab.workdays.services import seed_from_library
from requests_app.models import Request

from .conftest import wait_until


def test_progress_ledger_pdf_renders_in_worker_on_pdf_queue(celery_worker_process, redis_client):
    seed_from_library()
    users = seed_organisation()
    from requests_app.demo import seed_requests

    seed_requests(users)
    number = Request.objects.exclude(number=None).values_list("number", flat=True).first()

    with transaction.atomic():
        document = request_ledger(
            by=users["secretary"], ledger="progress", fmt="pdf", filters={}, language="zh-hans"
        )
    # Routed to its own queue, waiting in Redis until a worker that consumes it starts.
    assert settings.CELERY_TASK_ROUTES["archive_app.tasks.*"]["queue"] == "pdf"
    assert redis_client.llen("pdf") == 1
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.QUEUED

    celery_worker_process.start()
    wait_until(
        lambda: Document.objects.get(pk=document.pk).status == DocumentStatus.READY,
        timeout=120,
        message="the PDF was not rendered:\n" + celery_worker_process.log(),
    )
    rendered = Document.objects.get(pk=document.pk)
    reader = PdfReader(io.BytesIO(rendered.file.read()))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert "进度台账" in text
    assert number in text

    # The same ledger with unchanged data comes from the cache: no second rendering.
    with transaction.atomic():
        again = request_ledger(
            by=users["secretary"], ledger="progress", fmt="pdf", filters={}, language="zh-hans"
        )
    assert again.pk == rendered.pk
    assert redis_client.llen("pdf") == 0
