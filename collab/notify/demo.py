"""Demo data for `seed_demo`: a welcome notification for everyone, and a follow-up
reminder two minutes later for the staff member of Marketing, so that `make run` shows
the bell, the console e-mail and the reminder sweep working."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .handlers import UNREAD
from .models import Notification
from .reminders import schedule_reminder
from .services import notify

WELCOME = "notify.demo.welcome"


def seed(users) -> None:
    with transaction.atomic():
        have = set(
            Notification.objects.filter(event=WELCOME).values_list("recipient_id", flat=True)
        )
        notify(
            recipients=[u for u in users.values() if u.pk not in have],
            event=WELCOME,
            template="notify/welcome",
            context={},
            url="/",
        )
        person = users.get("mt_staff")
        welcome = Notification.objects.filter(event=WELCOME, recipient=person).first()
        if welcome is not None and welcome.read_at is None:
            schedule_reminder(
                kind=UNREAD,
                target=welcome,
                stage="demo-follow-up",
                recipient=person,
                fire_at=timezone.now() + timedelta(minutes=2),
                urgent=True,
            )
