"""Every write of the notification system: `notify` for the other apps, reading marks and
preferences for people, and the delivery of one notification on one outside channel."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from collab.core.errors import DomainError

from . import channels, dates
from .models import (
    Channel,
    ChatWebhook,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 6


class NotifyError(DomainError):
    """A notification action that cannot be done; the message is shown to the person."""


# --- creating notifications ---------------------------------------------------------------


def _distinct_active(recipients) -> list:
    seen, users = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def _render_text(name: str, context: dict) -> str:
    # Plain text is not HTML: "R&D" must not arrive as "R&amp;D" in a subject line.
    template = get_template(name).template
    return template.render(Context(context, autoescape=False))


def _render(template: str, context: dict) -> tuple[str, str, str]:
    subject = _render_text(f"{template}_subject.txt", context)
    subject = " ".join(subject.split())[:255]  # one line, whatever the template did
    body = _render_text(f"{template}_body.txt", context).strip()
    try:
        html = render_to_string(f"{template}_body.html", context).strip()
    except TemplateDoesNotExist:
        html = ""
    return subject, body, html


def notify(*, recipients, event: str, template: str, context: dict, url: str = "") -> list:
    """Tell each distinct active recipient, in their own language, that `event` happened.

    Renders `templates/<template>_subject.txt`, `<template>_body.txt` and, when present,
    `<template>_body.html` with `context` plus `recipient`, `url` and `site_url` (the
    text templates are rendered without HTML escaping). Dates and datetimes in `context`
    become `dates.Moment`s, so `{{ due }}` prints local time in the reader's language
    (the `local_dates` filters add the time left): pass them as objects, never as ISO
    strings. Stores the in-app notification and queues e-mail and chat delivery after
    the surrounding transaction commits (at once outside a transaction). Returns the
    notifications."""
    users = _distinct_active(recipients)
    if not users:
        return []
    now = timezone.now()
    # Dates print themselves in each reader's language and local time, never as ISO.
    context = dates.readable(context, now=now)
    notifications = []
    for user in users:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject, body, html = _render(
                template, {**context, "recipient": user, "url": url, "site_url": settings.SITE_URL}
            )
        notifications.append(
            Notification(
                recipient=user,
                event=event,
                subject=subject,
                body=body,
                body_html=html,
                url=url,
                created_at=now,
            )
        )
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        deliveries = Delivery.objects.bulk_create(_plan_deliveries(notifications, now=now))
        delivery_ids = [d.pk for d in deliveries]
        if delivery_ids:
            transaction.on_commit(lambda: queue_deliveries(delivery_ids))
    return notifications


def _plan_deliveries(notifications, *, now: datetime) -> list[Delivery]:
    users = {n.recipient.pk: n.recipient for n in notifications}
    preferences = {
        p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=list(users))
    }
    department_ids = {u.department_id for u in users.values() if u.department_id}
    robots = ChatWebhook.objects.filter(is_active=True).filter(
        Q(user_id__in=list(users)) | Q(department_id__in=department_ids)
    )
    personal, departmental = {}, {}
    for robot in robots:
        if robot.user_id:
            personal.setdefault(robot.user_id, []).append(robot)
        else:
            departmental.setdefault(robot.department_id, []).append(robot)
    default = NotificationPreference()
    planned = []
    for notification in notifications:
        user = notification.recipient
        choice = preferences.get(user.pk, default)
        if choice.email and user.email:
            planned.append(
                Delivery(notification=notification, channel=Channel.EMAIL, created_at=now)
            )
        robots_for_user = []
        if choice.personal_chat:
            robots_for_user += personal.get(user.pk, [])
        if choice.department_chat and user.department_id:
            robots_for_user += departmental.get(user.department_id, [])
        for robot in robots_for_user:
            planned.append(
                Delivery(
                    notification=notification, channel=Channel.CHAT, webhook=robot, created_at=now
                )
            )
    return planned


def queue_deliveries(delivery_ids) -> None:
    """Hand deliveries to the worker. A broker that is down must not break the action that
    notified: the rows stay pending and `retry_deliveries` picks them up later."""
    from kombu.exceptions import KombuError

    from .tasks import deliver

    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id=delivery_id)
        except (KombuError, OSError):
            logger.exception(
                "Could not queue delivery %s; the retry sweep will send it", delivery_id
            )


# --- delivering one notification on one channel ----------------------------------------


class TransientDeliveryError(Exception):
    def __init__(self, message: str, *, attempts: int):
        super().__init__(message)
        self.attempts = attempts


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8, 16 minutes."""
    return 60 * 2 ** max(0, attempts - 1)


def deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery once. Returns "sent", "failed", "skipped" (someone else holds or
    finished it, or it is gone); raises TransientDeliveryError when a retry may help."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related(
        "notification", "notification__recipient", "webhook"
    ).get(pk=delivery_id)
    notification = delivery.notification
    try:
        _send(delivery, notification)
    except channels.ChannelError as error:
        gave_up = not error.transient or delivery.attempts >= MAX_DELIVERY_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
            claimed_at=None,
            last_error=str(error)[:2000],
            next_attempt_at=None
            if gave_up
            else now + timedelta(seconds=retry_delay(delivery.attempts)),
        )
        if gave_up:
            logger.warning("Delivery %s failed for good: %s", delivery_id, error)
            return "failed"
        raise TransientDeliveryError(str(error), attempts=delivery.attempts) from None
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _send(delivery: Delivery, notification: Notification) -> None:
    recipient = notification.recipient
    link = (
        f"{settings.SITE_URL}{notification.url}"
        if notification.url.startswith("/")
        else notification.url
    )
    if delivery.channel == Channel.EMAIL:
        if not recipient.email:
            raise channels.ChannelError("the person has no e-mail address", transient=False)
        body = f"{notification.body}\n\n{link}" if link else notification.body
        channels.send_email(
            to=recipient.email, subject=notification.subject, body=body, html=notification.body_html
        )
        return
    robot = delivery.webhook
    if robot is None or not robot.is_active:
        raise channels.ChannelError("the chat robot was removed or switched off", transient=False)
    subject = notification.subject
    if robot.department_id:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            subject = gettext("To %(name)s: %(subject)s") % {
                "name": recipient.name,
                "subject": notification.subject,
            }
    channels.post_webhook(
        platform=robot.platform,
        url=robot.url,
        secret=robot.secret,
        text=channels.chat_text(subject=subject, body=notification.body, link=link),
    )


def retry_deliveries(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-queue pending deliveries whose retry time has come, whose queueing failed, or
    whose worker died holding them. `deliver` claims again, so a duplicate is harmless."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT_SECONDS)
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(
            Q(claimed_at__isnull=True, next_attempt_at__lte=now)
            | Q(claimed_at__isnull=True, next_attempt_at__isnull=True, created_at__lt=stale)
            | Q(claimed_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    queue_deliveries(ids)
    return len(ids)


# --- reading marks and preferences -------------------------------------------------------


def mark_read(*, user, notification_id: int, now: datetime | None = None) -> Notification:
    from .selectors import notifications_for

    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotifyError(gettext("This notification does not exist or is not yours."))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user, now: datetime | None = None) -> int:
    from .selectors import notifications_for

    return (
        notifications_for(user).filter(read_at__isnull=True).update(read_at=now or timezone.now())
    )


def preferences_of(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def set_preferences(*, user, email: bool, personal_chat: bool, department_chat: bool):
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        preference.email = email
        preference.personal_chat = personal_chat
        preference.department_chat = department_chat
        preference.save()
    return preference


def active_users(ids) -> list:
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))
