"""The services suite runs against real PostgreSQL and Redis and a real Celery worker.

`make test-services` points DATABASE_URL and REDIS_URL at the servers on loopback.
Run without them, the suite fails loudly instead of skipping."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session", autouse=True)
def _require_real_services():
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.fail(
            "The services suite needs PostgreSQL: run it with `make test-services` "
            "(DATABASE_URL=postgres://…).",
            pytrace=False,
        )
    if not settings.REDIS_URL:
        pytest.fail(
            "The services suite needs Redis: set REDIS_URL (make test-services).", pytrace=False
        )


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


class WorkerProcess:
    """A real `celery worker` process on the test database and the Redis broker."""

    def __init__(self, database_name: str, extra_env: dict | None = None):
        self.database_name = database_name
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / f"services-worker-{os.getpid()}.log"

    def start(self, *, concurrency: int = 1) -> "WorkerProcess":
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "collab.settings.test",
                "DATABASE_URL": (
                    f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
                    f"{db.get('PORT') or 5432}/{self.database_name}"
                ),
                "REDIS_URL": settings.REDIS_URL,
                "CELERY_EAGER": "0",
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            }
        )
        env.update(self.extra_env)
        self.log_path.parent.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "collab",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--pool=prefork",
                "--queues=celery,pdf",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=services-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def celery_worker_process(transactional_db, redis_client):
    """Start one with `celery_worker_process.start()`; stopped after the test."""
    worker = WorkerProcess(settings.DATABASES["default"]["NAME"])
    yield worker
    worker.stop()


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")
