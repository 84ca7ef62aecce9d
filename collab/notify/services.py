"""Every write of the notification system: `notify` for the other apps, reading marks and
preferences for people. Sending on e-mail and chat lives in `delivery`."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from collab.core.errors import DomainError

from . import dates
from .delivery import (
    MAX_DELIVERY_ATTEMPTS,
    TransientDeliveryError,
    deliver,
    queue_deliveries,
    retry_delay,
    retry_deliveries,
)
from .models import (
    Channel,
    ChatWebhook,
    Delivery,
    Notification,
    NotificationPreference,
)
from .selectors import notifications_for

__all__ = [
    "MAX_DELIVERY_ATTEMPTS",
    "NotifyError",
    "TransientDeliveryError",
    "active_users",
    "deliver",
    "mark_all_read",
    "mark_read",
    "notify",
    "preferences_of",
    "queue_deliveries",
    "retry_deliveries",
    "retry_delay",
    "set_preferences",
]


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


# --- reading marks and preferences -------------------------------------------------------


def mark_read(*, user, notification_id: int, now: datetime | None = None) -> Notification:
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotifyError(gettext("This notification does not exist or is not yours."))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user, now: datetime | None = None) -> int:
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
