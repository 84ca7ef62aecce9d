"""In-app notifications, their delivery on other channels, people's channel choices and
the chat robots they go to.

`Notification` and `Delivery` are themselves an append-only record of what was said to
whom and how it travelled, so they carry no simple-history table (it would double every
write of the reminder sweep without adding information); the configuration models do."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(
        _("event"), max_length=100, help_text=_("What happened, e.g. requests.request.approved.")
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notify_recipient_recent"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notify_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat robot")


class Platform(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu / Lark")
    WECOM = "wecom", _("WeCom")


class ChatWebhook(models.Model):
    """A group robot of a department, or a person's own robot."""

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(
        _("webhook address"),
        max_length=500,
        help_text=_("The robot's webhook address as shown by the chat platform."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu robots with signature checking; leave empty otherwise."),
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_webhooks",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_webhooks",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The address holds the WeCom key and the secret signs DingTalk/Feishu messages:
    # neither belongs in the change history that every admin can read.
    history = HistoricalRecords(excluded_fields=["url", "secret"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(department__isnull=False, user__isnull=True)
                    | Q(department__isnull=True, user__isnull=False)
                ),
                name="notify_webhook_one_owner",
                violation_error_message=_("Choose either a department or a person, not both."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class NotificationPreference(models.Model):
    """Which channels a person gets besides the in-app list, which is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("e-mail"), default=True)
    personal_chat = models.BooleanField(
        _("my own chat robot"),
        default=True,
        help_text=_("Robots an administrator has set up for you personally."),
    )
    department_chat = models.BooleanField(
        _("my department's chat group"),
        default=False,
        help_text=_("Messages addressed to you are also posted in your department's group."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One notification on one outside channel; claimed before sending so that a
    redelivered task or a retry sweep never sends it twice."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    webhook = models.ForeignKey(
        ChatWebhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notify_delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.notification_id}"


class Reminder(models.Model):
    """One reminder for one person (or, with no recipient, one escalation action) about
    one deadline of one object. Claimed by a sweep, sent exactly once: the in-app
    notification is written in the same transaction that marks the row sent."""

    kind = models.CharField(_("kind"), max_length=50, help_text=_("Which handler describes it."))
    target_id = models.BigIntegerField(_("target"))
    stage = models.CharField(_("stage"), max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    # What a working-day deadline was computed from, so that confirming a year's holidays
    # can recompute it: `due_at == add_working_hours(basis_start, working_hours)`.
    basis_start = models.DateTimeField(_("counted from"), null=True, blank=True)
    working_hours = models.FloatField(_("working hours allowed"), null=True, blank=True)
    fire_at = models.DateTimeField(_("fires at"))
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )

    class Meta:
        ordering = ["fire_at", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_id", "stage", "recipient"],
                name="notify_reminder_once",
            ),
            # NULL recipients are distinct in a plain unique constraint.
            models.UniqueConstraint(
                fields=["kind", "target_id", "stage"],
                condition=Q(recipient__isnull=True),
                name="notify_reminder_action_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["fire_at"],
                condition=Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="notify_reminder_open",
            ),
            # Few rows are ever claimed and unsent: the stale-claim check stays cheap.
            models.Index(
                fields=["claimed_at"],
                condition=Q(
                    sent_at__isnull=True, cancelled_at__isnull=True, claimed_at__isnull=False
                ),
                name="notify_reminder_claimed",
            ),
            models.Index(fields=["kind", "target_id"], name="notify_reminder_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.target_id} {self.stage}"


class LateReason(models.Model):
    """The explanation asked of a person who missed a deadline by more than 24 hours
    (DOMAIN §8). Asked once per deadline and person; kept and shown in the ledgers."""

    kind = models.CharField(_("kind"), max_length=50)
    target_id = models.BigIntegerField(_("target"))
    # Which record the ledgers show it under, e.g. "request:42".
    ref = models.CharField(_("record"), max_length=50, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="late_reasons",
    )
    due_at = models.DateTimeField(_("deadline"))
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    given_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("reason for a delay")
        verbose_name_plural = _("reasons for delays")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_id", "due_at", "person"], name="notify_late_reason_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.target_id} {self.person}"
