from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import calendar
from .checks import missing_years
from .models import CalendarDay, CalendarYear, OfficeHours


class CalendarAdminMixin:
    """Clears the cached calendar on every edit, and warns about missing years."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar.invalidate()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar.invalidate()

    def changelist_view(self, request, extra_context=None):
        for year in missing_years():
            messages.warning(
                request,
                gettext(
                    "No working-day calendar for %(year)s: add the year and its holidays and "
                    "adjusted working days, otherwise deadlines in %(year)s cannot be computed."
                )
                % {"year": year},
            )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "source", "note")


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "source", "note")
    list_filter = ("is_working_day", "source")
    search_fields = ("name", "note")
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.formats import date_format

        return date_format(obj.date, "l")


@admin.register(OfficeHours)
class OfficeHoursAdmin(CalendarAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__",)

    def has_add_permission(self, request):
        return not OfficeHours.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
