from django.urls import path
from django.utils.translation import gettext_lazy as _

from collab.core.views import coming_soon

app_name = "requests"
urlpatterns = [
    path("", coming_soon(_("Requests")), name="list"),
]
