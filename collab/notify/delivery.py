"""Delivering one notification on one outside channel (e-mail, chat robot): the work,
the Celery task that runs it, and the queueing. Nothing here notifies, so `services`
(which queues what `notify` creates) builds on this module and not the other way round."""

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from kombu.exceptions import KombuError

from . import channels
from .models import Channel, Delivery, DeliveryStatus, Notification

logger = logging.getLogger(__name__)

MAX_DELIVERY_ATTEMPTS = 6


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


# --- the worker ------------------------------------------------------------------------


@shared_task(
    name="collab.notify.tasks.deliver",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_DELIVERY_ATTEMPTS,
)
def send_delivery(self, *, delivery_id: int) -> str:
    try:
        return deliver(delivery_id=delivery_id)
    except TransientDeliveryError as error:
        if self.request.is_eager:
            # Inline (tests, benchmarks): the retry sweep tries again later instead of
            # blocking the caller through the back-off.
            return "retry"
        raise self.retry(countdown=retry_delay(error.attempts), exc=error) from None


def queue_deliveries(delivery_ids) -> None:
    """Hand deliveries to the worker. A broker that is down must not break the action that
    notified: the rows stay pending and `retry_deliveries` picks them up later."""
    for delivery_id in delivery_ids:
        try:
            send_delivery.delay(delivery_id=delivery_id)
        except (KombuError, OSError):
            logger.exception(
                "Could not queue delivery %s; the retry sweep will send it", delivery_id
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
