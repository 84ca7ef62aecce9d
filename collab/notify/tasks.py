"""Thin Celery tasks: ids in, a service call, quiet when the row is gone.

The two tasks the code queues itself live next to their work, below the modules that
queue them: `deliver` in `delivery` (queued by `services.notify`) and `send_reminders`
in `reminders.sweeping` (queued by the sweep). They are re-exported here, with the
periodic tasks of `collab.schedule`."""

from celery import shared_task

from . import delivery, hooks, reminders
from .delivery import send_delivery as deliver
from .reminders.sweeping import send_reminders

__all__ = [
    "daily_progress",
    "deliver",
    "retry_deliveries",
    "send_reminders",
    "sweep_reminders",
    "working_morning",
]


@shared_task(name="collab.notify.tasks.retry_deliveries", acks_late=True)
def retry_deliveries() -> int:
    return delivery.retry_deliveries()


@shared_task(name="collab.notify.tasks.sweep_reminders", acks_late=True, reject_on_worker_lost=True)
def sweep_reminders() -> int:
    return reminders.sweep()


@shared_task(name="collab.notify.tasks.daily_progress", acks_late=True)
def daily_progress() -> int:
    return hooks.daily_progress()


@shared_task(name="collab.notify.tasks.working_morning", acks_late=True)
def working_morning() -> int:
    return hooks.working_morning()
