from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import ChatWebhookAdminForm
from .models import (
    ChatWebhook,
    Delivery,
    LateReason,
    Notification,
    NotificationPreference,
    Reminder,
)


@admin.register(ChatWebhook)
class ChatWebhookAdmin(SimpleHistoryAdmin):
    form = ChatWebhookAdminForm
    list_display = ("name", "platform", "department", "user", "signed", "is_active")
    list_filter = ("platform", "is_active")
    search_fields = ("name", "department__code", "user__username", "user__display_name")
    autocomplete_fields = ("user",)

    @admin.display(boolean=True, description=_("signed"))
    def signed(self, obj):
        return bool(obj.secret)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ("user", "email", "personal_chat", "department_chat")
    search_fields = ("user__username", "user__display_name")
    autocomplete_fields = ("user",)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("channel", "webhook", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "event", "created_at", "read_at")
    list_filter = ("event",)
    search_fields = ("subject", "recipient__username", "recipient__display_name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "recipient",
        "event",
        "subject",
        "body",
        "body_html",
        "url",
        "created_at",
        "read_at",
    )
    inlines = [DeliveryInline]
    list_select_related = ("recipient",)

    def has_add_permission(self, request):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "target_id",
        "stage",
        "recipient",
        "fire_at",
        "sent_at",
        "cancelled_at",
        "attempts",
    )
    list_filter = ("kind", "urgent")
    search_fields = ("kind", "stage", "recipient__username", "recipient__display_name")
    date_hierarchy = "fire_at"
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LateReason)
class LateReasonAdmin(admin.ModelAdmin):
    """Read-only: a reason is the person's own statement. Only the kind, the target's id
    and the reason text are shown, never the record's content (it may be confidential)."""

    list_display = ("ref", "kind", "target_id", "person", "due_at", "asked_at", "given_at")
    list_filter = ("kind",)
    search_fields = ("ref", "person__username", "person__display_name")
    date_hierarchy = "due_at"
    list_select_related = ("person",)
    readonly_fields = [f.name for f in LateReason._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
