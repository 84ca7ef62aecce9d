"""Thin Celery tasks: ids in, a service call, quiet when the row is gone."""

from celery import shared_task

from . import services


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
