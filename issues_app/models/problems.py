"""The problem report (跨部门协作问题反馈单) and what hangs off it (DOMAIN §5).

Transitions only change the state; grading, limits, owners and escalation are set by
the services, which also write the timeline."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from collab.core.files import StoredFile, stored_path
from collab.core.models import TimelineEvent

from .choices import (
    GRADE_BADGES,
    STATE_BADGES,
    Category,
    EntryKind,
    Grade,
    ProblemState,
    ProblemStatus,
)
from .events import PROBLEM_ESCALATED, PROBLEM_GRADED, label_for


class Problem(ConcurrentTransitionMixin, models.Model):
    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    task = models.ForeignKey(
        "tasks_app.Task",
        verbose_name=_("task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    seq = models.PositiveIntegerField(_("serial"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    impact = models.TextField(
        _("impact"),
        max_length=2000,
        help_text=_("What the problem delays or endangers, and since when."),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="reported_problems",
    )
    reporting_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("reporting department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_problems",
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    response_due = models.DateTimeField(
        _("response due"), help_text=_("The departments concerned respond by then.")
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=ProblemState.choices,
        default=ProblemState.REPORTED,
        protected=True,
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_problems",
    )
    due_at = models.DateTimeField(
        _("limit"),
        null=True,
        blank=True,
        help_text=_("When the step the grade requires is due."),
    )
    escalated_at = models.DateTimeField(_("last escalated"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A disagreement referred to the division leader for a ruling (DOMAIN §1).
    referred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_problems",
    )
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    referral_reason = models.TextField(_("disagreement"), blank=True)
    ruling = models.TextField(_("ruling"), blank=True)
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="issues_problem_seq"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="issues_problem_state_due"),
            models.Index(fields=["grade", "state"], name="issues_problem_grade"),
            models.Index(fields=["-reported_at", "-id"], name="issues_problem_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        prefix = self.request.number if self.request_id and self.request.number else "—"
        return f"{prefix}-Q{self.seq:02d}"

    @property
    def is_open(self) -> bool:
        return self.state in (ProblemState.REPORTED, ProblemState.OPEN)

    @property
    def overdue(self) -> bool:
        """The limit passed without the step the grade asks for (mirrors
        selectors.overdue_q; reads the prefetched departments)."""
        if self.state != ProblemState.OPEN or not self.due_at or self.due_at > timezone.now():
            return False
        if self.grade == Grade.GENERAL:
            return any(pd.responded_at is None for pd in self.departments.all())
        return True

    @property
    def response_overdue(self) -> bool:
        return (
            self.is_open
            and self.response_due < timezone.now()
            and any(pd.responded_at is None for pd in self.departments.all())
        )

    @property
    def state_badge(self) -> str:
        return STATE_BADGES.get(self.state, "")

    @property
    def grade_badge(self) -> str:
        return GRADE_BADGES.get(self.grade, "")

    @property
    def status(self) -> str:
        """pending / in progress / resolved, as a task page lists its problems."""
        if self.state == ProblemState.REPORTED:
            return ProblemStatus.PENDING
        if self.state == ProblemState.OPEN:
            return ProblemStatus.IN_PROGRESS
        return ProblemStatus.RESOLVED

    def get_status_display(self) -> str:
        return ProblemStatus(self.status).label

    @property
    def referral_pending(self) -> bool:
        return self.referred_to_id is not None and self.ruled_at is None

    # --- state machine; side-effect free ------------------------------------------

    @transition(field=state, source=ProblemState.REPORTED, target=ProblemState.OPEN)
    def accept_grade(self):
        pass

    @transition(field=state, source=ProblemState.OPEN, target=ProblemState.RESOLVED)
    def resolve(self):
        pass

    @transition(field=state, source=ProblemState.RESOLVED, target=ProblemState.CLOSED)
    def confirm(self):
        pass

    @transition(field=state, source=ProblemState.RESOLVED, target=ProblemState.OPEN)
    def reopen(self):
        pass

    @transition(
        field=state, source=[ProblemState.REPORTED, ProblemState.OPEN], target=ProblemState.CLOSED
    )
    def dismiss(self):
        pass


class ProblemDepartment(models.Model):
    """A department concerned by a problem, and whether it has responded."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="departments"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="problems_concerned",
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__code"]
        verbose_name = _("department concerned")
        verbose_name_plural = _("departments concerned")
        constraints = [
            models.UniqueConstraint(fields=["problem", "department"], name="issues_probdept_once")
        ]
        indexes = [
            models.Index(fields=["department", "responded_at"], name="issues_probdept_open"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.department_id}"

    @property
    def has_responded(self) -> bool:
        return self.responded_at is not None


class ProblemEntry(models.Model):
    """A response, proposal or decision recorded on a problem."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("for department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("problem entry")
        verbose_name_plural = _("problem entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


# Named by the first migrations; new files go through StoredFile's own path.
attachment_path = stored_path


class ProblemAttachment(StoredFile):
    STORAGE_FOLDER = "problems"

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="attachments"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("problem attachment")
        verbose_name_plural = _("problem attachments")


class ProblemEvent(TimelineEvent):
    """The problem's timeline: named events with who, when, comment and data."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        indexes = [models.Index(fields=["problem", "at"], name="issues_probevent_at")]

    @property
    def label(self) -> str:
        return label_for(self.verb)

    @property
    def detail(self) -> str:
        """The event's data in the reader's language, e.g. "General → Important"."""

        def grade(value) -> str:
            return str(Grade(value).label) if value in Grade.values else ""

        if self.verb == PROBLEM_GRADED:
            return grade(self.data.get("grade"))
        if self.verb == PROBLEM_ESCALATED:
            text = f"{grade(self.data.get('from'))} → {grade(self.data.get('to'))}"
            if self.data.get("automatic"):
                text += " · " + str(_("automatic: the limit passed without the required step"))
            return text
        return ""


class IssueSettings(models.Model):
    """Company-wide settings an administrator may change (a single row)."""

    major_problem_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handles major problems"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The person major problems go to. Empty: the coordination group leader, "
            "else the division leader of the requesting department."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem settings")
        verbose_name_plural = _("problem settings")

    def __str__(self) -> str:
        return str(_("Problem settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "IssueSettings":
        return cls.objects.select_related("major_problem_handler").filter(pk=1).first() or cls()
