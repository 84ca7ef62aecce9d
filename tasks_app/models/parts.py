"""What hangs off a task: the progress log, delivery and acceptance rounds with their
deliverables, the department ratings and the timeline."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collab.core.files import StoredFile, stored_path
from collab.core.models import TimelineEvent

from .choices import SCORES, DeliverableKind, RoundResult
from .events import label_for
from .task import Task

# Named by the first migrations; new files go through StoredFile's own path.
stored_file_path = stored_path


class TaskFile(StoredFile):
    STORAGE_FOLDER = "tasks"

    class Meta:
        abstract = True


class ProgressEntry(models.Model):
    """One person's progress on one day (DOMAIN §4: one entry per working day before
    17:00). A second post on the same day is added to that day's entry."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="progress"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(
        _("done (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "author", "date"], name="task_progress_one_per_day"
            ),
        ]
        indexes = [models.Index(fields=["date", "task"], name="task_progress_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.text[:40]}"


class ProgressFile(TaskFile):
    entry = models.ForeignKey(
        ProgressEntry,
        verbose_name=_("progress entry"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("progress file")
        verbose_name_plural = _("progress files")

    def __str__(self) -> str:
        return self.original_name


class AcceptanceRound(models.Model):
    """One delivery and the requester's decision on it; every round is kept."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("delivered at"))
    note = models.TextField(_("delivery note"), blank=True)
    # DOMAIN §4: the requester gives feedback within 1 working day of the delivery.
    feedback_due = models.DateTimeField(_("feedback due"))
    result = models.CharField(
        _("result"), max_length=10, choices=RoundResult.choices, default=RoundResult.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    required_changes = models.TextField(_("required changes"), blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["task_id", "number"]
        verbose_name = _("acceptance round")
        verbose_name_plural = _("acceptance rounds")
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="task_round_unique"),
        ]
        indexes = [models.Index(fields=["result", "feedback_due"], name="task_round_pending_due")]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.number}"

    @property
    def is_pending(self) -> bool:
        return self.result == RoundResult.PENDING

    @property
    def feedback_overdue(self) -> bool:
        return self.is_pending and self.feedback_due < timezone.now()

    @property
    def decided_late(self) -> bool:
        return bool(self.decided_at and self.decided_at > self.feedback_due)


class Deliverable(TaskFile):
    """A file or a link handed in with one delivery round."""

    round = models.ForeignKey(
        AcceptanceRound,
        verbose_name=_("acceptance round"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="deliverables"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DeliverableKind.choices)
    url = models.URLField(_("link"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed in by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("handed in at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round_id", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self) -> str:
        return self.original_name or self.url

    @property
    def label(self) -> str:
        return self.original_name if self.kind == DeliverableKind.FILE else self.url


class DepartmentRating(models.Model):
    """The requester's rating of one addressed department, once all its tasks are
    accepted (DOMAIN §4: 1–5 on response speed, professionalism and cooperation)."""

    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="department_ratings",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    speed = models.PositiveSmallIntegerField(_("response speed"), choices=SCORES)
    professionalism = models.PositiveSmallIntegerField(_("professionalism"), choices=SCORES)
    cooperation = models.PositiveSmallIntegerField(_("cooperation"), choices=SCORES)
    remarks = models.TextField(_("remarks"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request_id", "department__code"]
        verbose_name = _("department rating")
        verbose_name_plural = _("department ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "department"], name="task_rating_request_dept_unique"
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"task_rating_{name}_range",
                )
                for name in ("speed", "professionalism", "cooperation")
            ],
        ]
        indexes = [models.Index(fields=["department", "rated_at"], name="task_rating_dept_at")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.department_id}"

    @property
    def average(self) -> float:
        return round((self.speed + self.professionalism + self.cooperation) / 3, 1)


class TaskEvent(TimelineEvent):
    """Named events with who, when, comment and data. Ratings belong to a request and
    a department, not to one task, so `task` is empty for them."""

    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="task_events",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("task timeline event")
        verbose_name_plural = _("task timeline events")
        indexes = [
            models.Index(fields=["task", "at"], name="taskevent_task_at"),
            models.Index(fields=["request", "at"], name="taskevent_request_at"),
        ]

    @property
    def label(self) -> str:
        return label_for(self.verb)
