from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive_app"
    label = "archive_app"
    verbose_name = _("Ledgers and archive")

    def ready(self):
        from collab.core import inbox

        from . import guards, selectors

        guards.install()
        inbox.register(selectors.work_items)
