from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues_app"
    label = "issues_app"
    verbose_name = _("Problems and meetings")
