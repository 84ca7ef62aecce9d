from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "collab.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        from collab.core import inbox
        from collab.core.demo import SEEDERS

        from . import demo, handlers, lateness, recompute

        handlers.register()
        if lateness.work_items not in inbox.SOURCES:
            inbox.register(lateness.work_items)
        recompute.register()
        if demo.seed not in SEEDERS:
            SEEDERS.append(demo.seed)
