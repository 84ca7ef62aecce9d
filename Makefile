# Collab — `make run` serves the app with demo data, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
# Parallel test processes (pytest-xdist); each gets its own test database.
TEST_WORKERS ?= 2
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Services suite: the PostgreSQL and Redis that run on loopback (overridable).
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/collab
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/15
# Debian packages: WeasyPrint's text stack, the browser for end-to-end tests, gettext
# for the catalogue drift check.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
TEST_TOOLS := chromium gettext poppler-utils

.PHONY: messages-extract help setup run worker beat test test-fast test-e2e test-postgres test-services bench lint format messages syslibs testtools clean

help:
	@echo "make run            set up, seed demo data, serve on http://$(HOST):$(PORT) with Celery worker and beat"
	@echo "make test           set up and run the whole suite (SQLite, browser tests in Chromium)"
	@echo "make test-postgres  the suite again on PostgreSQL, the production database"
	@echo "make test-services  the services suite against PostgreSQL, Redis and a Celery worker"
	@echo "make bench          benchmarks, printed as ratios against a floor measured in the same run"
	@echo "make lint           ruff"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is needed ($(PYTHON) not found)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

syslibs:
	@missing=""; for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0; do \
	  ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing WeasyPrint's system libraries:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	  else echo "Missing system libraries for PDF rendering:$$missing. Install the Debian packages: $(PDF_LIBS)"; exit 1; fi; \
	fi

testtools:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing test tools:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing test tools:$$missing. Install the Debian packages: $(TEST_TOOLS)"; exit 1; fi; \
	fi

messages-extract: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore='tests/*' --ignore='bench/*' --ignore='.venv/*'

messages: $(STAMP)
	@DJANGO_SETTINGS_MODULE=collab.settings.dev $(PY) manage.py compile_catalogues

setup: $(STAMP) syslibs messages
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py workdays_seed

run: setup
	@$(PY) manage.py seed_demo
	@echo
	@echo "  Collab:       http://$(HOST):$(PORT)/"
	@echo "  Demo logins:  admin, secretary, leader1, leader2, <dept>_head / _liaison / _staff"
	@echo "                (dept: mt te pd sa fi hr ad), password: collab-demo"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat."
	@echo
	@trap 'trap - INT TERM; kill 0 2>/dev/null; wait' INT TERM; \
	$(VENV)/bin/celery -A collab worker -Q celery,pdf --loglevel=INFO --concurrency=1 --hostname=worker@%h & \
	$(VENV)/bin/celery -A collab beat --loglevel=INFO & \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT) & \
	wait

test: $(STAMP) syslibs testtools messages
	$(PY) -m pytest --ignore=tests/services -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The whole suite on PostgreSQL (locking, NUL bytes, ordering behave differently there).
# The browser flows drive the same views and run on SQLite in `make test`.
test-postgres: $(STAMP) syslibs messages
	DATABASE_URL=$(SERVICES_DATABASE_URL) \
	  $(PY) -m pytest --ignore=tests/services --ignore=tests/e2e -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-services: $(STAMP) syslibs messages
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) CELERY_EAGER=0 \
	  $(PY) -m pytest tests/services -p no:cacheprovider $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/*.sqlite3 var/celery var/static
