"""Meetings, their agenda, minutes and action items (DOMAIN §6).

The minutes live on the meeting itself (attendance on the attendee rows, a decision
per agenda item, action items); publishing them is the meeting's transition."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from collab.core.models import TimelineEvent

from .choices import (
    MEETING_BADGES,
    ActionState,
    MeetingKind,
    MeetingState,
    MilestoneStage,
    Weekday,
)
from .events import label_for


class MeetingSeries(models.Model):
    """A recurring meeting, e.g. the weekly collaboration meeting on Friday 14:00."""

    title = models.CharField(_("title"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+", blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("recurring meeting")
        verbose_name_plural = _("recurring meetings")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_weekday_display()} {self.start_time:%H:%M})"


class Meeting(ConcurrentTransitionMixin, models.Model):
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=MeetingKind.choices)
    milestone_stage = models.CharField(
        _("milestone"), max_length=20, choices=MilestoneStage.choices, blank=True
    )
    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("The project a milestone meeting is about."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=MeetingState.choices,
        default=MeetingState.SCHEDULED,
        protected=True,
    )
    minutes_due = models.DateTimeField(_("minutes due"))
    summary = models.TextField(_("summary"), blank=True, max_length=10000)
    minutes_saved_at = models.DateTimeField(_("minutes last saved"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    # The group leader's signature on a milestone meeting's resolution (项目推进会决议).
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolution signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("resolution signed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "starts_at"],
                condition=models.Q(series__isnull=False),
                name="issues_meeting_series_once",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "starts_at"], name="issues_meeting_state_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def badge_class(self) -> str:
        return MEETING_BADGES.get(self.state, "")

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def minutes_overdue(self) -> bool:
        return self.state == MeetingState.SCHEDULED and self.minutes_due < timezone.now()

    @property
    def minutes_late(self) -> bool:
        return bool(self.published_at and self.published_at > self.minutes_due)

    @property
    def needs_sign_off(self) -> bool:
        return self.kind == MeetingKind.MILESTONE

    @property
    def duration(self) -> datetime.timedelta:
        return self.ends_at - self.starts_at

    # --- state machine; side-effect free ------------------------------------------

    @transition(field=state, source=MeetingState.SCHEDULED, target=MeetingState.PUBLISHED)
    def publish(self):
        pass

    @transition(field=state, source=MeetingState.SCHEDULED, target=MeetingState.CANCELLED)
    def cancel(self):
        pass


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    present = models.BooleanField(_("present"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="issues_attendee_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.user_id}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("topic"), max_length=200, blank=True)
    problem = models.ForeignKey(
        "issues_app.Problem",
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    proposed = models.BooleanField(
        _("proposed automatically"), default=False, help_text=_("Put on the agenda by the system.")
    )
    decision = models.TextField(_("decision"), blank=True, max_length=5000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title or str(self.pk)


class ActionItem(ConcurrentTransitionMixin, models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    deadline = models.DateField(_("deadline"))
    problem = models.ForeignKey(
        "issues_app.Problem",
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    request = models.ForeignKey(
        "requests_app.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=ActionState.choices,
        default=ActionState.OPEN,
        protected=True,
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True, max_length=5000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["owner", "state"], name="issues_action_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.state == ActionState.OPEN and self.deadline < timezone.localdate()

    @transition(field=state, source=ActionState.OPEN, target=ActionState.DONE)
    def complete(self):
        pass

    @transition(field=state, source=ActionState.OPEN, target=ActionState.CANCELLED)
    def cancel(self):
        pass


class MeetingEvent(TimelineEvent):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        indexes = [models.Index(fields=["meeting", "at"], name="issues_meetevent_at")]

    @property
    def label(self) -> str:
        return label_for(self.verb)
