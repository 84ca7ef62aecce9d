"""Turn a document snapshot into bytes: which template or workbook each kind uses."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from . import excel
from .models import DocumentKind
from .rendering import memory_limit, render_template_to_pdf

PDF_TEMPLATES = {
    DocumentKind.PROGRESS_PDF: ("pdf/progress_ledger.html", "landscape"),
    DocumentKind.PROBLEM_PDF: ("pdf/problem_ledger.html", "landscape"),
    DocumentKind.DOSSIER_PDF: ("pdf/dossier.html", "portrait"),
    DocumentKind.MINUTES_PDF: ("pdf/minutes.html", "portrait"),
}
WORKBOOKS = {
    DocumentKind.PROGRESS_XLSX: excel.progress_workbook,
    DocumentKind.PROBLEM_XLSX: excel.problem_workbook,
}


def _title(kind: str, payload: dict) -> str:
    if kind == DocumentKind.MINUTES_PDF:
        return gettext("Meeting minutes")
    return payload.get("title") or ""


def render(kind: str, payload: dict, language: str, *, on_stage=None) -> tuple[bytes, int | None]:
    """Bytes and page count (None for workbooks). Errors propagate to the caller."""
    if kind in WORKBOOKS:
        with translation.override(language), memory_limit(settings.PDF_MEMORY_LIMIT_MB):
            return WORKBOOKS[kind](payload), None
    template, orientation = PDF_TEMPLATES[kind]
    if on_stage:
        on_stage(30)
    with translation.override(language):
        title = _title(kind, payload)
    rendered = render_template_to_pdf(
        template, {"data": payload}, language=language, title=title, orientation=orientation
    )
    return rendered.content, rendered.pages
