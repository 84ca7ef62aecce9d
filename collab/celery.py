"""The Celery application. The beat schedule lives in `collab.schedule`, in code."""

import os

from celery import Celery

from collab.schedule import BEAT_SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings.dev")

app = Celery("collab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _install_schedule(sender, **kwargs):
    sender.conf.beat_schedule = BEAT_SCHEDULE


@app.on_after_configure.connect
def _ensure_filesystem_queue(sender, **kwargs):
    # kombu's filesystem transport expects its folders to exist already.
    from django.conf import settings

    if sender.conf.broker_url.startswith("filesystem"):
        options = sender.conf.broker_transport_options
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(options[key], exist_ok=True)
        del settings  # only imported to make sure Django settings are loaded
