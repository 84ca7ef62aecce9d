"""Requests are read-only in the admin: every change goes through the services, so the
timeline and the state machine stay whole. Only the approval rules are editable."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ApprovalRules,
    Attachment,
    Clarification,
    Milestone,
    Request,
    RequestDepartment,
    RequestEvent,
    State,
)
from .selectors import visible_requests


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


class DepartmentInline(ReadOnlyInline):
    model = RequestDepartment
    fk_name = "request"


class MilestoneInline(ReadOnlyInline):
    model = Milestone


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    exclude = ["file"]  # files are served only through the permission-checked view

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "file"]


class ClarificationInline(ReadOnlyInline):
    model = Clarification
    fk_name = "request"


class EventInline(ReadOnlyInline):
    model = RequestEvent


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "state", "requesting_department", "requester", "created_at"]
    list_filter = ["state", "priority", "type", "confidentiality", "requesting_department"]
    search_fields = ["number", "title"]
    list_select_related = ["requesting_department", "requester"]
    date_hierarchy = "created_at"
    inlines = [
        DepartmentInline,
        MilestoneInline,
        AttachmentInline,
        ClarificationInline,
        EventInline,
    ]

    def get_queryset(self, request):
        # Confidential requests stay need-to-know, in the admin too.
        return visible_requests(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed (read-only form); saving is not.
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.state == State.DRAFT
            and super().has_delete_permission(request, obj)
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting a version would write the state directly.
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(ApprovalRules)
class ApprovalRulesAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "urgent_skips_leader_review",
        "head_review_days",
        "leader_review_days",
        "breakdown_days",
        "report_draft_days",
        "report_approval_days",
    ]
    fieldsets = [
        (_("Approval"), {"fields": ["urgent_skips_leader_review"]}),
        (
            _("Step limits (working days)"),
            {
                "fields": [
                    "head_review_days",
                    "leader_review_days",
                    "acknowledge_days",
                    "breakdown_days",
                    "report_draft_days",
                    "report_approval_days",
                ],
                "description": _(
                    "Each step is due this many working days after it starts; the people "
                    "holding it are reminded, and the next level up is told when it is late. "
                    "A change applies to steps that start afterwards."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return not ApprovalRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
