from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="collab.core.tasks.heartbeat")
def heartbeat(*, name: str = "beat") -> None:
    """Proves the scheduler → broker → worker chain runs end to end."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})
