from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import WorkerHeartbeat

admin.site.site_header = _("Collab administration")
admin.site.site_title = _("Collab administration")
admin.site.index_title = _("Departments, people, calendars and records")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at")
    readonly_fields = ("name", "beat_at")

    def has_add_permission(self, request):
        return False
