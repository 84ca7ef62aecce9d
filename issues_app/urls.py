from django.urls import path
from django.utils.translation import gettext_lazy as _

from collab.core.views import coming_soon

app_name = "issues"
urlpatterns = [
    path("problems/", coming_soon(_("Problems")), name="problems"),
    path("meetings/", coming_soon(_("Meetings")), name="meetings"),
]
