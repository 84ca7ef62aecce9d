"""A sub-task of a confirmed request (DOMAIN §4, 任务执行跟进表) and its state machine.

Transitions only change the state; who may fire them lives in permissions.py, and the
timeline, numbering, dates and notifications in services.py."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from requests_app.models import Priority

from .choices import ACTIVE, BADGE_CLASSES, CHANGEABLE, TaskState


class Task(ConcurrentTransitionMixin, models.Model):
    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    seq = models.PositiveSmallIntegerField(_("serial"), editable=False)
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    name = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collaborators"),
        blank=True,
        related_name="collaborating_tasks",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    deliverable_standard = models.TextField(_("deliverable standard"))
    planned_start = models.DateField(_("planned start"))
    planned_finish = models.DateField(_("planned finish"))
    # The date the current round is due: the planned finish, or after a rejection the
    # new deadline the requester set. Kept apart so planned vs actual stays measurable.
    due_date = models.DateField(_("due"))
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateTimeField(
        _("actual finish"),
        null=True,
        blank=True,
        help_text=_("When the delivery that was accepted was handed in."),
    )
    state = FSMField(
        _("state"), max_length=20, choices=TaskState.choices, default=TaskState.TODO, protected=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    rejection_rounds = models.PositiveSmallIntegerField(_("rejections"), default=0)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[collaborators])

    class Meta:
        ordering = ["request_id", "seq"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="task_request_seq_unique"),
            models.CheckConstraint(
                condition=models.Q(planned_finish__gte=models.F("planned_start")),
                name="task_planned_order",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="task_percent_max"
            ),
        ]
        indexes = [
            # The board and the list: by department or owner, per state, soonest due first.
            models.Index(fields=["department", "state", "due_date"], name="task_dept_state_due"),
            models.Index(fields=["owner", "state", "due_date"], name="task_owner_state_due"),
            models.Index(fields=["state", "due_date"], name="task_state_due"),
            models.Index(fields=["priority", "state"], name="task_priority_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def badge_class(self) -> str:
        return BADGE_CLASSES.get(self.state, "")

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE

    @property
    def is_changeable(self) -> bool:
        return self.state in CHANGEABLE

    @property
    def overdue(self) -> bool:
        return self.state in ACTIVE and self.due_date < timezone.localdate()

    @property
    def days_late(self) -> int:
        return (timezone.localdate() - self.due_date).days if self.overdue else 0

    # --- state machine (DOMAIN §4); side-effect free -------------------------------

    @transition(field=state, source=TaskState.TODO, target=TaskState.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=TaskState.IN_PROGRESS, target=TaskState.DELIVERED)
    def deliver(self):
        pass

    @transition(field=state, source=TaskState.DELIVERED, target=TaskState.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=TaskState.DELIVERED, target=TaskState.REWORK)
    def reject(self):
        pass

    @transition(field=state, source=TaskState.REWORK, target=TaskState.IN_PROGRESS)
    def resume(self):
        pass

    @transition(field=state, source=CHANGEABLE, target=TaskState.CANCELLED)
    def cancel(self):
        pass
