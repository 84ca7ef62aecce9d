"""Generated documents, completion reports and the archive (DOMAIN §7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords


class DocumentKind(models.TextChoices):
    PROGRESS_PDF = "progress_pdf", _("Progress ledger (PDF)")
    PROGRESS_XLSX = "progress_xlsx", _("Progress ledger (Excel)")
    PROBLEM_PDF = "problem_pdf", _("Problem ledger (PDF)")
    PROBLEM_XLSX = "problem_xlsx", _("Problem ledger (Excel)")
    DOSSIER_PDF = "dossier_pdf", _("Request dossier (PDF)")
    MINUTES_PDF = "minutes_pdf", _("Meeting minutes (PDF)")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting in the queue")
    RUNNING = "running", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def document_path(instance, filename: str) -> str:
    return f"documents/{instance.created_at:%Y/%m}/{instance.key}{instance.extension}"


class Document(models.Model):
    """One generated file, identified by a hash of everything it shows.

    Asking again for the same ledger with unchanged data finds the same key and gets
    the finished file at once. `payload` is the snapshot the worker renders from, so
    the file always matches its key; it is dropped once the file exists."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    language = models.CharField(_("language"), max_length=10)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    payload = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), related_name="+", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")

    def __str__(self) -> str:
        return self.filename

    @property
    def extension(self) -> str:
        return ".xlsx" if self.kind.endswith("xlsx") else ".pdf"

    @property
    def content_type(self) -> str:
        if self.extension == ".xlsx":
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "application/pdf"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.READY, DocumentStatus.FAILED)


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class CompletionReport(ConcurrentTransitionMixin, models.Model):
    """对接报告: drafted by the lead department, approved by the requesting head."""

    request = models.OneToOneField(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="completion_report",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=ReportState.choices,
        default=ReportState.DRAFT,
        protected=True,
    )
    work_done = models.TextField(_("what was done"))
    results = models.TextField(_("results"))
    open_problems = models.TextField(_("open problems"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")

    def __str__(self) -> str:
        return f"{self.request_id} · {self.get_state_display()}"

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)

    @transition(
        field=state, source=[ReportState.DRAFT, ReportState.RETURNED], target=ReportState.SUBMITTED
    )
    def submit(self):
        pass

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.RETURNED)
    def send_back(self):
        pass

    @transition(field=state, source=ReportState.SUBMITTED, target=ReportState.APPROVED)
    def approve(self):
        pass


class ArchiveRecord(models.Model):
    """A finished request filed under department – date – number (归档)."""

    request = models.OneToOneField(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="archive_record",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField(_("filed on"))
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    archived_at = models.DateTimeField(_("archived at"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    retention_until = models.DateField(_("keep until"))
    # Title, content, report, tasks, problems and minutes, for full-text search.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    dossier = models.ForeignKey(
        Document,
        verbose_name=_("dossier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__code", "-filed_on", "number"]
        verbose_name = _("archived request")
        verbose_name_plural = _("archive")
        indexes = [
            models.Index(fields=["department", "filed_on"], name="archive_dept_filed"),
            models.Index(fields=["retention_until"], name="archive_retention"),
        ]

    def __str__(self) -> str:
        return self.filing_label

    @property
    def filing_label(self) -> str:
        """Department – date – number, the order the archive is filed in."""
        return f"{self.department.code} – {self.filed_on:%Y-%m-%d} – {self.number}"


class ArchiveDeletion(models.Model):
    """The record left behind when an administrator deletes an archived request."""

    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    department_code = models.CharField(_("department"), max_length=4)
    filed_on = models.DateField(_("filed on"))
    retention_until = models.DateField(_("keep until"))
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted at"))
    reason = models.TextField(_("reason"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deleted archive entry")
        verbose_name_plural = _("deleted archive entries")

    def __str__(self) -> str:
        return f"{self.number} ({self.deleted_at:%Y-%m-%d})"
