from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests_app"
    label = "requests_app"
    verbose_name = _("Collaboration requests")

    def ready(self):
        from collab.core import demo, inbox

        from . import reminders, selectors, steps
        from .demo import seed_requests

        inbox.register(selectors.work_items)
        reminders.register()
        steps.register()
        demo.SEEDERS.append(seed_requests)
