# Production image: gunicorn serving Django (static files via WhiteNoise), also used for
# the Celery worker and beat. WeasyPrint needs Pango and HarfBuzz from Debian.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=collab.settings.prod COLLAB_VAR_DIR=/var/lib/collab

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY collab ./collab
COPY requests_app ./requests_app
COPY tasks_app ./tasks_app
COPY issues_app ./issues_app
COPY archive_app ./archive_app
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py compile_catalogues \
 && SECRET_KEY=build-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ \
    python manage.py collectstatic --noinput -v 0 \
 && useradd --system --home /var/lib/collab collab \
 && mkdir -p /var/lib/collab/media && chown -R collab /var/lib/collab

USER collab
EXPOSE 8000
CMD ["gunicorn", "collab.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
