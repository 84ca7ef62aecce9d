"""The one beat schedule of the project. Each entry runs an idempotent sweep."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "core-heartbeat": {
        "task": "collab.core.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
}
