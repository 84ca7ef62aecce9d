import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from collab.settings import env

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_rejects_garbage_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG", False)


def test_env_url_rejects_unknown_scheme_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_url("DATABASE_URL", None, schemes={"sqlite", "postgres"})


def test_env_timezone_rejects_unknown_zone(monkeypatch):
    monkeypatch.setenv("TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="TIME_ZONE"):
        env.env_timezone("TIME_ZONE", "Asia/Shanghai")


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env.env_int("EMAIL_PORT", 25)


# What a plain shell on a server has: none of the variables the test run itself sets
# (browser tests allow synchronous ORM calls inside Playwright's event loop, for one).
TEST_ONLY = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_EAGER"}


def _server_env(**extra) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    environ.update(extra)
    return environ


def _start(settings_module: str, **extra_env) -> subprocess.CompletedProcess:
    environ = _server_env()
    environ.update(extra_env)
    environ["DJANGO_SETTINGS_MODULE"] = settings_module
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_startup_with_bad_redis_url_stops_with_the_variable_name():
    result = _start("collab.settings.dev", REDIS_URL="http://nope")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_prod_startup_without_secret_key_stops_with_the_variable_name():
    result = _start("collab.settings.prod", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_prod_check_deploy_reports_no_warnings_with_real_secret(tmp_path):
    environ = _server_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        DJANGO_SETTINGS_MODULE="collab.settings.prod",
        SECRET_KEY="k3#Vb9!qLz2@Xr7$Wm5^Tn8&Yp4*Hs6(Jd1)Gf0_Ac-Ue+Io=Pl;Ok:Nj<Mh>",
        ALLOWED_HOSTS="collab.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_database_is_sqlite_file_and_broker_filesystem_without_env():
    environ = _server_env(DJANGO_SETTINGS_MODULE="collab.settings.dev")
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);print(s.CELERY_BROKER_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    engine, broker = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
