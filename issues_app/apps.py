from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues_app"
    label = "issues_app"
    verbose_name = _("Problems and meetings")

    def ready(self):
        from collab.core import demo, inbox
        from collab.notify import hooks

        from . import reminders, work
        from .demo import seed_issues

        reminders.register()
        hooks.register_morning(reminders.working_morning)
        inbox.register(work.work_items)
        demo.SEEDERS.append(seed_issues)
