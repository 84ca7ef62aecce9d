from django.urls import path
from django.utils.translation import gettext_lazy as _

from collab.core.views import coming_soon

app_name = "archive"
urlpatterns = [
    path("", coming_soon(_("Ledgers")), name="ledgers"),
]
