"""Completion report → approval → archive: read-only, searchable, kept until retention."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from archive_app import selectors, services
from archive_app.errors import ArchiveError
from archive_app.models import ArchiveDeletion, ArchiveRecord, ReportState
from requests_app.models import Attachment, Request, State
from tests.archive_app.conftest import pdf_text

FIELDS = {
    "work_done": "落地页上线，移动端测试通过",
    "results": "Sign-ups up 12 %",
    "open_problems": "",
    "suggestions": "Start earlier next spring",
}


def _submit(demo, request):
    # PD is addressed first (departments are stored by code), so PD leads.
    return services.save_report(request=request, by=demo["pd_head"], fields=FIELDS, submit=True)


def _approve(demo, request, callbacks):
    with callbacks(execute=True):
        return services.decide_report(request=request, by=demo["mt_head"], approve=True)


def test_only_the_lead_department_drafts_once_completed(demo, running, completed):
    for outsider in ("te_head", "mt_head", "secretary", "fi_head"):
        with pytest.raises(ArchiveError):
            services.save_report(request=completed, by=demo[outsider], fields=FIELDS)
    report = services.save_report(request=completed, by=demo["pd_liaison"], fields=FIELDS)
    assert report.state == ReportState.DRAFT


def test_no_report_before_completion(demo, running):
    with pytest.raises(ArchiveError):
        services.save_report(request=running, by=demo["pd_head"], fields=FIELDS)


def test_report_needs_what_was_done_and_results(demo, completed):
    with pytest.raises(ArchiveError) as error:
        services.save_report(
            request=completed, by=demo["pd_head"], fields={**FIELDS, "results": " "}
        )
    assert error.value.field == "results"


def test_prefill_comes_from_the_data(demo, completed):
    prefill = services.report_prefill(completed)
    assert completed.number in prefill["work_done"]
    assert "初稿" in prefill["results"]


def test_requesting_head_approves_and_request_is_archived(
    demo, completed, django_capture_on_commit_callbacks, mailoutbox
):
    _submit(demo, completed)
    with pytest.raises(ArchiveError):
        services.decide_report(request=completed, by=demo["pd_head"], approve=True)
    report = _approve(demo, completed, django_capture_on_commit_callbacks)
    assert report.state == ReportState.APPROVED
    completed.refresh_from_db()
    assert completed.state == State.ARCHIVED
    record = ArchiveRecord.objects.get(request=completed)
    today = timezone.localdate()
    assert record.filing_label == f"MT – {today:%Y-%m-%d} – {completed.number}"
    assert record.retention_until == today.replace(year=today.year + 10)
    assert record.dossier is not None and record.dossier.is_ready  # filed with its dossier
    text, _reader = pdf_text(record.dossier.file.read())
    assert completed.number in text and "落地页上线" in text


def test_second_approval_is_a_clear_message(demo, completed, django_capture_on_commit_callbacks):
    _submit(demo, completed)
    _approve(demo, completed, django_capture_on_commit_callbacks)
    with pytest.raises(ArchiveError, match="Already decided by"):
        services.decide_report(request=completed, by=demo["mt_head"], approve=True)


def test_sending_back_needs_a_comment_and_reopens_the_draft(demo, completed):
    _submit(demo, completed)
    with pytest.raises(ArchiveError):
        services.decide_report(request=completed, by=demo["mt_head"], approve=False)
    report = services.decide_report(
        request=completed, by=demo["mt_head"], approve=False, comment="Add figures"
    )
    assert report.state == ReportState.RETURNED
    assert services.save_report(request=completed, by=demo["pd_head"], fields=FIELDS).is_editable


def test_archived_request_is_read_only_and_cannot_be_deleted(
    demo, completed, django_capture_on_commit_callbacks
):
    _submit(demo, completed)
    _approve(demo, completed, django_capture_on_commit_callbacks)
    archived = Request.objects.get(pk=completed.pk)
    archived.title = "changed"
    with pytest.raises(ArchiveError), transaction.atomic():
        archived.save()
    with pytest.raises(ProtectedError), transaction.atomic():  # the archive record holds on
        archived.delete()
    # Even with the archive record gone, the model-level guard refuses.
    with pytest.raises(ArchiveError), transaction.atomic():
        ArchiveRecord.objects.filter(request=archived).delete()
        Request.objects.get(pk=completed.pk).delete()
    with pytest.raises(ArchiveError):
        services.save_report(request=archived, by=demo["pd_head"], fields=FIELDS)
    assert Request.objects.get(pk=completed.pk).title == "春季活动落地页"


def test_deletion_only_by_admin_after_retention_with_a_record(
    demo, completed, django_capture_on_commit_callbacks
):
    _submit(demo, completed)
    _approve(demo, completed, django_capture_on_commit_callbacks)
    record = ArchiveRecord.objects.get()
    with pytest.raises(ArchiveError):
        services.delete_archived(record=record, by=demo["admin"], reason="tidy up")
    ArchiveRecord.objects.filter(pk=record.pk).update(
        retention_until=timezone.localdate() - timedelta(days=1)
    )
    record.refresh_from_db()
    with pytest.raises(ArchiveError):
        services.delete_archived(record=record, by=demo["secretary"], reason="tidy up")
    entry = services.delete_archived(record=record, by=demo["admin"], reason="Retention over")
    assert not Request.objects.filter(pk=completed.pk).exists()
    assert ArchiveDeletion.objects.get() == entry
    assert entry.number == completed.number and entry.deleted_by == demo["admin"]


def test_archive_search_by_number_title_department_period_and_content(
    demo, completed, django_capture_on_commit_callbacks
):
    _submit(demo, completed)
    _approve(demo, completed, django_capture_on_commit_callbacks)
    secretary = demo["secretary"]
    today = timezone.localdate()

    def found(**filters):
        return [r.number for r in selectors.archive_search(secretary, filters=filters)]

    from collab.org.models import Department

    assert found(q=completed.number) == [completed.number]
    assert found(q="落地页") == [completed.number]
    assert found(q="移动端") == [completed.number]  # report content
    assert found(q="sign-ups") == [completed.number]  # background, case-insensitive
    assert found(q="Technology") == [completed.number]  # addressed department, English name
    assert found(department=Department.objects.get(code="TE")) == [completed.number]
    assert found(department=Department.objects.get(code="HR")) == []
    assert found(date_from=today, date_to=today) == [completed.number]
    assert found(date_to=today - timedelta(days=1)) == []
    assert found(q="nothing-like-this") == []
    assert [r.number for r in selectors.archive_search(demo["fi_staff"], filters={})] == []


# --- views ---------------------------------------------------------------------------


def test_report_pages_draft_submit_approve(
    demo, completed, login, django_capture_on_commit_callbacks
):
    url = reverse("archive:report", args=[completed.pk])
    lead = login(demo["pd_head"])
    page = lead.get(url)
    assert page.status_code == 200 and b'data-testid="report-form"' in page.content
    assert completed.number.encode() in page.content  # prefilled
    response = lead.post(url, {**FIELDS, "submit": "1"})
    assert response.status_code == 302
    head = login(demo["mt_head"])
    assert b'data-testid="decision-form"' in head.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(
            reverse("archive:report_decide", args=[completed.pk]), {"decision": "approve"}
        )
    record = ArchiveRecord.objects.get()
    assert response.url == reverse("archive:record", args=[record.pk])
    page = head.get(response.url)
    assert b'data-testid="read-only"' in page.content
    again = head.post(
        reverse("archive:report_decide", args=[completed.pk]), {"decision": "approve"}
    )
    assert again.status_code == 302  # a message, never a 500
    assert login(demo["fi_staff"]).get(url).status_code == 404


def test_archive_zip_holds_dossier_and_attachments(
    demo, completed, login, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("brief.txt", b"the brief", content_type="text/plain")
    # Attached while the request ran (the service no longer accepts files once completed).
    Attachment.objects.create(
        request=completed,
        file=upload,
        original_name="brief.txt",
        size=9,
        uploaded_by=demo["mt_staff"],
    )
    _submit(demo, completed)
    _approve(demo, completed, django_capture_on_commit_callbacks)
    record = ArchiveRecord.objects.get()
    client = login(demo["secretary"])
    response = client.get(reverse("archive:record_zip", args=[record.pk]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert record.dossier.filename in names
    assert "attachments/brief.txt" in names
    listing = client.get(reverse("archive:archive"), {"q": "落地页"})
    assert listing.content.count(b'data-testid="archive-row"') == 1
    stranger = login(demo["fi_staff"])
    assert stranger.get(reverse("archive:record_zip", args=[record.pk])).status_code == 404
