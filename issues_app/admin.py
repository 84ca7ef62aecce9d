"""Problems and meetings are read-only in the admin: every change goes through the
services, so the timeline and the state machines stay whole. Editable: who handles
major problems, and whether a recurring meeting is still planned."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    AgendaItem,
    IssueSettings,
    Meeting,
    MeetingAttendee,
    MeetingEvent,
    MeetingSeries,
    Problem,
    ProblemDepartment,
    ProblemEntry,
    ProblemEvent,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProblemDepartmentInline(ReadOnlyInline):
    model = ProblemDepartment


class ProblemEntryInline(ReadOnlyInline):
    model = ProblemEntry


class ProblemEventInline(ReadOnlyInline):
    model = ProblemEvent


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "grade", "state", "owner", "due_at", "reported_at"]
    list_filter = ["grade", "state", "category"]
    search_fields = ["title", "request__number"]
    list_select_related = ["request", "owner"]
    inlines = [ProblemDepartmentInline, ProblemEntryInline, ProblemEventInline]


class AttendeeInline(ReadOnlyInline):
    model = MeetingAttendee


class AgendaInline(ReadOnlyInline):
    model = AgendaItem


class ActionInline(ReadOnlyInline):
    model = ActionItem


class MeetingEventInline(ReadOnlyInline):
    model = MeetingEvent


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "starts_at", "state", "minutes_due", "published_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]
    inlines = [AttendeeInline, AgendaInline, ActionInline, MeetingEventInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["title", "weekday", "start_time", "place", "chair", "is_active"]
    fields = [
        "title",
        "weekday",
        "start_time",
        "duration_minutes",
        "place",
        "chair",
        "attendees",
        "is_active",
    ]
    filter_horizontal = ["attendees"]

    def has_add_permission(self, request):
        return False  # series are started from the Schedule a meeting page

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssueSettings)
class IssueSettingsAdmin(SimpleHistoryAdmin):
    fields = ["major_problem_handler"]

    def has_add_permission(self, request):
        return not IssueSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
