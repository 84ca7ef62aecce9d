"""The platform on the real stack: PostgreSQL, Redis, and a Celery worker process."""

from django.conf import settings
from django.db import connection

from collab.core.models import WorkerHeartbeat
from collab.core.tasks import heartbeat

from .conftest import wait_until


def test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_broker_is_redis(redis_client):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis_client.ping() is True


def test_worker_process_executes_task_sent_through_redis(celery_worker_process, redis_client):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    heartbeat.apply_async(kwargs={"name": "services-probe"})
    # The message waits in Redis until a worker takes it.
    assert redis_client.llen("celery") == 1
    assert not WorkerHeartbeat.objects.filter(name="services-probe").exists()

    celery_worker_process.start()
    wait_until(
        lambda: WorkerHeartbeat.objects.filter(name="services-probe").exists(),
        timeout=60,
        message="worker did not run the task:\n" + celery_worker_process.log(),
    )
    assert redis_client.llen("celery") == 0
