"""Tasks are read-only in the admin: every change goes through the services, so the
timeline and the state machine stay whole."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AcceptanceRound,
    Deliverable,
    DepartmentRating,
    ProgressEntry,
    Task,
    TaskEvent,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "file"]

    def get_exclude(self, request, obj=None):
        # Files are served only through the permission-checked views.
        return ["file"] if any(f.name == "file" for f in self.model._meta.fields) else []


class RoundInline(ReadOnlyInline):
    model = AcceptanceRound


class ProgressInline(ReadOnlyInline):
    model = ProgressEntry


class EventInline(ReadOnlyInline):
    model = TaskEvent


@admin.register(Task)
class TaskAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["number", "name", "department", "owner", "state", "priority", "due_date"]
    list_filter = ["state", "priority", "department"]
    search_fields = ["number", "name"]
    list_select_related = ["department", "owner"]
    inlines = [ProgressInline, RoundInline, EventInline]
    exclude = []


@admin.register(DepartmentRating)
class DepartmentRatingAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "request",
        "department",
        "speed",
        "professionalism",
        "cooperation",
        "rated_by",
        "rated_at",
    ]
    list_select_related = ["request", "department", "rated_by"]


@admin.register(Deliverable)
class DeliverableAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["task", "kind", "original_name", "url", "uploaded_by", "uploaded_at"]
    list_select_related = ["task", "uploaded_by"]
    exclude = ["file"]
