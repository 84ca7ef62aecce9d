from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from collab.shell import views as shell_views

urlpatterns = [
    path("", include("collab.shell.urls")),
    path("accounts/login/", shell_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", shell_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("requests/", include("requests_app.urls")),
    path("tasks/", include("tasks_app.urls")),
    path("", include("issues_app.urls")),
    path("ledgers/", include("archive_app.urls")),
    path("notifications/", include("collab.notify.urls")),
    path("api/", include("collab.api.urls")),
    path("kpi/", include("collab.kpi.urls")),
    path("admin/", admin.site.urls),
]
