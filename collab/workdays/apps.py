from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "collab.workdays"
    label = "workdays"
    verbose_name = _("Working days")

    def ready(self):
        from collab.core import inbox

        from . import (
            checks,  # noqa: F401 - registers the system check
            work,
        )

        if work.work_items not in inbox.SOURCES:
            inbox.register(work.work_items)
