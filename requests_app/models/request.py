"""The collaboration request and its state machine (DOMAIN §2–3).

Transitions only change the state; who may fire them lives in permissions.py and the
timeline, numbering and notifications in services.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from .choices import (
    BADGE_CLASSES,
    WITHDRAWABLE,
    Confidentiality,
    Priority,
    RequestType,
    State,
)


class Request(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(
        _("number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    state = FSMField(
        _("state"), max_length=30, choices=State.choices, default=State.DRAFT, protected=True
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="filed_requests",
    )
    requesting_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("requesting department"),
        on_delete=models.PROTECT,
        related_name="filed_requests",
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    external_partner = models.CharField(
        _("external partner"),
        max_length=200,
        blank=True,
        help_text=_("When the request comes from outside the company: who asked for it."),
    )
    background_goal = models.TextField(_("background and goal"), max_length=2000)
    content_deliverables = models.TextField(_("content and deliverable standard"))
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    resource_needs = models.TextField(
        _("resource needs"), blank=True, help_text=_("People, budget, data.")
    )
    expected_benefit = models.TextField(
        _("expected benefit"), blank=True, help_text=_("Required for resource requests.")
    )
    usage_period = models.CharField(
        _("period of use"),
        max_length=200,
        blank=True,
        help_text=_("Required for resource requests."),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
        help_text=_("Confidential requests are visible only to the people named on them."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    # E-signatures (DOMAIN §2): the requesting head at level-1 approval, the leader at level 2.
    head_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by requesting head"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    head_signed_at = models.DateTimeField(_("requesting head signed at"), null=True, blank=True)
    leader_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by division leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    leader_signed_at = models.DateTimeField(_("division leader approved at"), null=True, blank=True)
    # Due time of the step the request waits on (初审, 复审, completion report drafting or
    # approval), from the step limits in `ApprovalRules`.
    step_due_at = models.DateTimeField(_("current step due"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("collaboration request")
        verbose_name_plural = _("collaboration requests")
        indexes = [
            models.Index(fields=["state", "-created_at"], name="req_state_created"),
            models.Index(fields=["requesting_department", "-created_at"], name="req_dept_created"),
            models.Index(fields=["-created_at", "-id"], name="req_created"),
            models.Index(fields=["submitted_at"], name="req_submitted"),
            models.Index(fields=["priority"], name="req_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('(draft)')} {self.title}"

    def clean(self):
        errors = {}
        if self.start_date and self.deadline and self.deadline < self.start_date:
            errors["deadline"] = _("The deadline cannot be before the start date.")
        if self.type == RequestType.RESOURCE:
            if not self.expected_benefit.strip():
                errors["expected_benefit"] = _("Resource requests state the expected benefit.")
            if not self.usage_period.strip():
                errors["usage_period"] = _("Resource requests state the period of use.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality == Confidentiality.CONFIDENTIAL

    @property
    def badge_class(self) -> str:
        return BADGE_CLASSES.get(self.state, "")

    @property
    def step_overdue(self) -> bool:
        return bool(self.step_due_at and self.step_due_at < timezone.now())

    # --- state machine (DOMAIN §3); side-effect free -------------------------------

    @transition(field=state, source=State.DRAFT, target=State.HEAD_REVIEW)
    def submit(self):
        pass

    @transition(field=state, source=State.RETURNED, target=State.HEAD_REVIEW)
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=State.HEAD_REVIEW,
        target=RETURN_VALUE(State.LEADER_REVIEW, State.AWAITING_CONFIRMATION),
    )
    def approve_by_head(self, *, skip_leader_review: bool = False):
        return State.AWAITING_CONFIRMATION if skip_leader_review else State.LEADER_REVIEW

    @transition(field=state, source=State.LEADER_REVIEW, target=State.AWAITING_CONFIRMATION)
    def approve_by_leader(self):
        pass

    @transition(field=state, source=[State.HEAD_REVIEW, State.LEADER_REVIEW], target=State.RETURNED)
    def return_request(self):
        pass

    @transition(field=state, source=State.AWAITING_CONFIRMATION, target=State.RETURNED)
    def return_from_confirmation(self):
        pass

    @transition(field=state, source=State.AWAITING_CONFIRMATION, target=State.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=WITHDRAWABLE, target=State.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=State.IN_PROGRESS, target=State.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=State.COMPLETED, target=State.ARCHIVED)
    def archive(self):
        pass

    @transition(field=state, source=State.IN_PROGRESS, target=State.CANCELLED)
    def cancel(self):
        pass


def _step_days(label):
    return models.PositiveSmallIntegerField(
        label, default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )


class ApprovalRules(models.Model):
    """Company-wide approval rules an administrator may change (a single row)."""

    urgent_skips_leader_review = models.BooleanField(
        _("urgent matters skip level-2 review"),
        default=False,
        help_text=_(
            "When on, urgent matters go straight to the addressed departments after the "
            "requesting head approves."
        ),
    )
    # Working days each step may take (DOMAIN §8: default 1 working day).
    head_review_days = _step_days(_("level-1 review (初审), working days"))
    leader_review_days = _step_days(_("level-2 review (复审), working days"))
    acknowledge_days = _step_days(_("liaison acknowledgement, working days"))
    breakdown_days = _step_days(_("task breakdown, working days"))
    report_draft_days = _step_days(_("completion report drafting, working days"))
    report_approval_days = _step_days(_("completion report approval, working days"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval rules")
        verbose_name_plural = _("approval rules")

    def __str__(self) -> str:
        return str(_("Approval rules"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ApprovalRules":
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules


class RequestCounter(models.Model):
    """Last serial used per department and month; locked while a number is drawn so
    numbers stay unique and gap-free under concurrent submissions."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    period = models.CharField(_("month"), max_length=6)  # YYYYMM
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("request counter")
        verbose_name_plural = _("request counters")
        constraints = [
            models.UniqueConstraint(fields=["department", "period"], name="req_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.period}: {self.last}"
