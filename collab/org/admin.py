from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Count, ProtectedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, User
from .services import department_has_records


class MemberInline(admin.TabularInline):
    model = User
    fields = ("username", "display_name", "email", "phone", "is_active")
    readonly_fields = ("username",)
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "head",
        "liaison",
        "leader",
        "member_count",
        "is_active",
    )
    list_filter = ("is_active", "leader")
    search_fields = ("code", "name_zh", "name_en")
    autocomplete_fields = ("head", "liaison", "leader")
    inlines = [MemberInline]
    actions = ["deactivate", "activate", "delete_unused"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj):
        return obj._members

    def has_delete_permission(self, request, obj=None):
        # A department that appears on records is kept for the record; deactivate it.
        if obj is not None and department_has_records(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Django's bulk delete stops at the first protected record; ours explains it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=_("Delete selected departments without records"), permissions=["delete"]
    )
    def delete_unused(self, request, queryset):
        kept, deleted = [], 0
        for department in queryset:
            if department_has_records(department):
                kept.append(department.code)
                continue
            try:
                with transaction.atomic():
                    department.delete()
            except ProtectedError:
                kept.append(department.code)
                continue
            deleted += 1
        if deleted:
            self.message_user(
                request,
                ngettext("%d department deleted.", "%d departments deleted.", deleted) % deleted,
            )
        if kept:
            self.message_user(
                request,
                _(
                    "Departments with requests or people cannot be deleted; deactivate them "
                    "instead: %s"
                )
                % ", ".join(kept),
                messages.ERROR,
            )

    @admin.action(description=_("Deactivate selected departments"))
    def deactivate(self, request, queryset):
        count = 0
        for department in queryset.filter(is_active=True):
            department.is_active = False
            department.save(update_fields=["is_active"])
            count += 1
        self.message_user(
            request,
            ngettext("%d department deactivated.", "%d departments deactivated.", count) % count,
        )

    @admin.action(description=_("Activate selected departments"))
    def activate(self, request, queryset):
        count = 0
        for department in queryset.filter(is_active=False):
            department.is_active = True
            department.save(update_fields=["is_active"])
            count += 1
        self.message_user(
            request,
            ngettext("%d department activated.", "%d departments activated.", count) % count,
        )


@admin.register(User)
class PersonAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin, UserAdmin):
    list_display = (
        "username",
        "display_name",
        "department",
        "email",
        "is_secretary",
        "is_group_leader",
        "is_staff",
        "is_active",
    )
    list_filter = ("department", "is_secretary", "is_group_leader", "is_staff", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    list_select_related = ("department",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Collaboration"),
            {
                "fields": (
                    "display_name",
                    "department",
                    "phone",
                    "preferred_language",
                    "is_secretary",
                    "is_group_leader",
                )
            },
        ),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Collaboration"), {"fields": ("display_name", "department", "email")}),
    )
