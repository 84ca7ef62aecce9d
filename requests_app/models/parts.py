"""What hangs off a request: addressed departments, milestones, attachments,
clarifications, the timeline and per-object access grants."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from collab.core.files import StoredFile, stored_path
from collab.core.models import TimelineEvent

from .choices import Answer
from .events import label_for
from .request import Request


class RequestDepartment(models.Model):
    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="departments"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="addressed_requests",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        related_name="request_contacts",
    )
    reached_at = models.DateTimeField(_("reached the department"), null=True, blank=True)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    answer_text = models.TextField(_("answer details"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # E-signature of the confirming department head (DOMAIN §2).
    head_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by department head"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    head_signed_at = models.DateTimeField(_("department head signed at"), null=True, blank=True)
    # The liaison acknowledges receipt within 1 working day (DOMAIN §1), apart from the
    # 24/48/72 h confirmation limit.
    acknowledge_due = models.DateTimeField(_("acknowledgement due"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # The response clock stops while the department waits for the requester's answer to
    # its question (DOMAIN §8); `response_due` moves on by the paused time on resuming.
    clock_paused_at = models.DateTimeField(_("response clock paused at"), null=True, blank=True)
    clock_paused_for = models.DurationField(
        _("response clock paused for"), default=datetime.timedelta
    )
    breakdown_due = models.DateTimeField(_("task breakdown due"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__code"]
        verbose_name = _("addressed department")
        verbose_name_plural = _("addressed departments")
        constraints = [
            models.UniqueConstraint(fields=["request", "department"], name="req_dept_unique")
        ]
        indexes = [
            models.Index(fields=["department", "reached_at"], name="reqdept_dept_reached"),
            models.Index(fields=["answer", "response_due"], name="reqdept_answer_due"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.department_id}"

    @property
    def is_pending(self) -> bool:
        return self.answer == Answer.PENDING

    @property
    def clock_paused(self) -> bool:
        return self.clock_paused_at is not None

    @property
    def overdue(self) -> bool:
        # A paused clock cannot run late: the department waits for the requester.
        return bool(
            self.is_pending
            and not self.clock_paused
            and self.response_due
            and self.response_due < timezone.now()
        )

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class Milestone(models.Model):
    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}"


# Named by the first migrations; new files go through StoredFile's own path.
attachment_path = stored_path


class Attachment(StoredFile):
    STORAGE_FOLDER = "requests"

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="attachments"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Clarification(models.Model):
    """A question an addressed department asks; the requester answers within 24 h."""

    request = models.ForeignKey(
        Request,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="clarifications",
    )
    request_department = models.ForeignKey(
        RequestDepartment,
        verbose_name=_("asking department"),
        on_delete=models.CASCADE,
        related_name="clarifications",
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer_due = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        indexes = [
            models.Index(fields=["answered_at", "answer_due"], name="reqclar_open_due"),
        ]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.answer_due < timezone.now()


class RequestEvent(TimelineEvent):
    """The request's timeline: named events with who, when, comment and data."""

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["request", "at"], name="reqevent_request_at")]

    @property
    def label(self) -> str:
        return label_for(self.verb)


class RequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Request, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("request access grant (person)")
        verbose_name_plural = _("request access grants (people)")


class RequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Request, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("request access grant (group)")
        verbose_name_plural = _("request access grants (groups)")
