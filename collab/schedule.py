"""The one beat schedule of the project. Each entry runs an idempotent sweep.

Times are in CELERY_TIMEZONE (the site time zone, Asia/Shanghai by default); jobs that
only make sense on working days check the working-day calendar themselves."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "core-heartbeat": {
        "task": "collab.core.tasks.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    # Claims due reminders and sends each once (collab.notify.reminders).
    "notify-sweep-reminders": {
        "task": "collab.notify.tasks.sweep_reminders",
        "schedule": crontab(minute="*"),
    },
    # E-mail and chat deliveries waiting for a retry, or whose worker died.
    "notify-retry-deliveries": {
        "task": "collab.notify.tasks.retry_deliveries",
        "schedule": crontab(minute="*/5"),
    },
    # Progress entries are due by 17:00 on working days (DOMAIN §4).
    "notify-daily-progress": {
        "task": "collab.notify.tasks.daily_progress",
        "schedule": crontab(hour=16, minute=30),
    },
    # Weekly meeting announcements, minutes due today and similar hooks.
    "notify-working-morning": {
        "task": "collab.notify.tasks.working_morning",
        "schedule": crontab(hour=9, minute=0),
    },
    # Generated ledgers and PDFs older than PDF_CACHE_DAYS (archived dossiers are kept).
    "archive-clean-document-cache": {
        "task": "archive_app.tasks.clean_document_cache",
        "schedule": crontab(hour=3, minute=30),
    },
}
