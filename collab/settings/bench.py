"""Benchmarks: production-like (DEBUG off), a database of their own."""

import dj_database_url

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_url

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "BENCH_DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'bench.sqlite3'}",
            schemes={"sqlite", "postgres", "postgresql"},
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
