"""Archiving a request under department – date – number with its dossier, the archive's
search text, and deletion after the retention date."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from requests_app import services as request_services

from .. import permissions
from ..deletion import delete_request_tree, remove_files
from ..dossier import build_snapshot
from ..errors import ArchiveError
from ..guards import deletion_allowed
from ..models import ArchiveDeletion, ArchiveRecord
from .common import REPORT_FIELDS, notify
from .generation import request_dossier


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
        notify(request, [request.requester], "archive.request.archived", "archived")
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
