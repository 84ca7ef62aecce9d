"""Reminder kinds the notification app itself owns."""

from django.utils.translation import gettext

from .models import Notification
from .reminders import ReminderHandler, ReminderItem, register_handler

UNREAD = "notify.unread"


class UnreadNotificationHandler(ReminderHandler):
    """Follow-up on an important notification: "you have not opened this yet".

    Schedule with `schedule_reminder(kind="notify.unread", target=notification,
    stage="follow-up", recipient=notification.recipient, fire_at=...)`; nothing is sent
    if the person has read it (or it was deleted) by then."""

    def describe(self, reminder):
        return self.describe_all([reminder])[0]

    def describe_all(self, reminders):
        unread = {
            n.pk: n
            for n in Notification.objects.filter(
                pk__in=[r.target_id for r in reminders], read_at__isnull=True
            ).only("subject", "url")
        }
        text = gettext("You have not opened this notification yet.")
        return [
            ReminderItem(title=n.subject, text=text, url=n.url) if n else None
            for n in (unread.get(r.target_id) for r in reminders)
        ]


def register() -> None:
    register_handler(UNREAD, UnreadNotificationHandler())
