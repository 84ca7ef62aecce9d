"""Thin Celery tasks: ids in, a service call, quiet when the row is gone."""

from celery import shared_task

from . import hooks, reminders, services


@shared_task(
    name="collab.notify.tasks.deliver",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=services.MAX_DELIVERY_ATTEMPTS,
)
def deliver(self, *, delivery_id: int) -> str:
    try:
        return services.deliver(delivery_id=delivery_id)
    except services.TransientDeliveryError as error:
        if self.request.is_eager:
            # Inline (tests, benchmarks): the retry sweep tries again later instead of
            # blocking the caller through the back-off.
            return "retry"
        raise self.retry(countdown=services.retry_delay(error.attempts), exc=error) from None


@shared_task(name="collab.notify.tasks.retry_deliveries", acks_late=True)
def retry_deliveries() -> int:
    return services.retry_deliveries()


@shared_task(name="collab.notify.tasks.sweep_reminders", acks_late=True, reject_on_worker_lost=True)
def sweep_reminders() -> int:
    return reminders.sweep()


@shared_task(name="collab.notify.tasks.send_reminders", acks_late=True, reject_on_worker_lost=True)
def send_reminders(*, reminder_ids: list[int]) -> int:
    return reminders.send(reminder_ids=reminder_ids)


@shared_task(name="collab.notify.tasks.daily_progress", acks_late=True)
def daily_progress() -> int:
    return hooks.daily_progress()


@shared_task(name="collab.notify.tasks.working_morning", acks_late=True)
def working_morning() -> int:
    return hooks.working_morning()
