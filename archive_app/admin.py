"""The archive in the admin: read-only. Deleting an archived request goes through the
`delete_after_retention` action, which checks the retention date and leaves a record."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .errors import ArchiveError
from .models import ArchiveDeletion, ArchiveRecord, CompletionReport, Document
from .selectors import visible_archive


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "department", "filed_on", "retention_until", "archived_by"]
    list_filter = ["department", "filed_on"]
    search_fields = ["number", "title", "search_text"]
    list_select_related = ["department", "archived_by"]
    date_hierarchy = "filed_on"
    exclude = ["search_text"]
    actions = ["delete_after_retention"]

    def get_queryset(self, request):
        return visible_archive(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "search_text"]

    @admin.action(description=_("Delete after the retention date (recorded)"))
    def delete_after_retention(self, request, queryset):
        deleted = 0
        for record in queryset.select_related("department"):
            try:
                services.delete_archived(
                    record=record,
                    by=request.user,
                    reason=gettext("Retention period over; deleted in the admin."),
                )
                deleted += 1
            except ArchiveError as error:
                self.message_user(request, f"{record.number}: {error}", messages.ERROR)
        if deleted:
            self.message_user(
                request, gettext("%(count)d archived requests deleted.") % {"count": deleted}
            )


@admin.register(ArchiveDeletion)
class ArchiveDeletionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "department_code", "deleted_by", "deleted_at"]
    list_select_related = ["deleted_by"]


@admin.register(CompletionReport)
class CompletionReportAdmin(ReadOnlyAdmin):
    list_display = ["request", "state", "drafted_by", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["request", "drafted_by", "decided_by"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "language", "status", "rows", "pages", "size", "created_at"]
    list_filter = ["kind", "status", "language"]
    exclude = ["payload", "readers"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "payload"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
