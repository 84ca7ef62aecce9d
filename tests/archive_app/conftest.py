import io

import pytest
from pypdf import PdfReader

from requests_app import services as request_services
from tests.requests_app.factories import make_request


@pytest.fixture
def running(demo):
    """A request in progress: MT asks TE and PD, with one milestone."""
    from datetime import timedelta

    from django.utils import timezone

    return make_request(
        demo,
        stage="in_progress",
        title="春季活动落地页",
        milestones=[(timezone.localdate() + timedelta(days=7), "初稿")],
    )


@pytest.fixture
def completed(demo, running):
    request_services.complete_request(request=running, by=None)
    running.refresh_from_db()
    return running


def pdf_text(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
    return names
