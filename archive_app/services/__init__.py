"""Every write of the archive app: generated documents, completion reports, archiving
and deletion after retention. One transaction each; Celery work and notifications are
queued after commit."""

from ..dossier import build_snapshot
from ..jobs import CLEANUP_BATCH, clean_document_cache, render_document
from .archiving import archive, delete_archived, search_text_for
from .common import REPORT_FIELDS
from .generation import (
    LAYOUT_VERSION,
    document_key,
    request_document,
    request_dossier,
    request_ledger,
    request_minutes,
)
from .ledgers import LEDGER_TITLES, problem_payload, progress_payload
from .reports import decide_report, report_prefill, report_url, save_report

__all__ = [
    "CLEANUP_BATCH",
    "LAYOUT_VERSION",
    "LEDGER_TITLES",
    "REPORT_FIELDS",
    "archive",
    "build_snapshot",
    "clean_document_cache",
    "decide_report",
    "delete_archived",
    "document_key",
    "problem_payload",
    "progress_payload",
    "render_document",
    "report_prefill",
    "report_url",
    "request_document",
    "request_dossier",
    "request_ledger",
    "request_minutes",
    "save_report",
    "search_text_for",
]
