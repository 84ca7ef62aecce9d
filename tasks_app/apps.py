from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks_app"
    label = "tasks_app"
    verbose_name = _("Tasks")

    def ready(self):
        from collab.core import demo, inbox

        from . import reminders, selectors
        from .demo import seed_tasks

        inbox.register(selectors.work_items)
        reminders.register()
        if seed_tasks not in demo.SEEDERS:
            demo.SEEDERS.append(seed_tasks)
