from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import calendar, services
from .checks import years_to_confirm
from .models import CalendarDay, CalendarYear, OfficeHours


class CalendarAdminMixin:
    """Clears the cached calendar on every edit, and asks for provisional years."""

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
        for year in years_to_confirm():
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}?year={}">{}</a>',
                    gettext(
                        "The working-day calendar for %(year)s is provisional: deadlines in "
                        "%(year)s use weekends and the estimated statutory holidays until the "
                        "State Council notice is confirmed."
                    )
                    % {"year": year},
                    reverse("admin:workdays_calendaryear_confirm"),
                    year,
                    gettext("Confirm %(year)s") % {"year": year},
                ),
            )
        return super().changelist_view(request, extra_context)


class ConfirmYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=calendar.FIRST_YEAR, max_value=calendar.LAST_YEAR
    )
    notice = forms.CharField(
        label=_("Holidays and adjusted working days"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 70, "spellcheck": "false"}),
        help_text=_(
            "One line per holiday period or adjusted working day, as in the State Council "
            "notice: “2027-02-05..2027-02-11 off 春节” or “2027-02-14 on 春节调休” (休 and 班 "
            "work too). Weekends need no line; lines starting with # are ignored."
        ),
    )
    note = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=255,
        help_text=_("e.g. the notice's number and date (国办发明电〔2026〕…)."),
    )

    def clean(self):
        data = super().clean()
        year, text = data.get("year"), data.get("notice")
        if year and text:
            try:
                data["days"] = services.parse_notice(text, year=year)
            except services.NoticeError as error:
                self.add_error(
                    "notice",
                    [
                        gettext("Line %(line)s: %(message)s") % {"line": line, "message": message}
                        if line
                        else message
                        for line, message in error.errors
                    ],
                )
        return data


def _proposal(year: int) -> str:
    """What the form starts from: the package's data when it knows the year, else the
    provisional estimate, for the administrator to correct against the notice."""
    known = services.library_notice(year)
    if known:
        header = gettext("# From the chinese-calendar package; check it against the notice.")
        return header + "\n" + services.notice_text(known)
    estimate = [services.NoticeDay(d, w, n) for d, w, n in calendar.estimated_days(year)]
    header = gettext(
        "# Provisional estimate (no make-up working days): correct it from the notice."
    )
    return header + "\n" + services.notice_text(estimate)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "source", "confirmed_by", "confirmed_at", "note")
    readonly_fields = ("confirmed_by", "confirmed_at")
    change_list_template = "admin/workdays/calendaryear/change_list.html"

    def get_urls(self):
        return [
            path(
                "confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="workdays_calendaryear_confirm",
            ),
            *super().get_urls(),
        ]

    def confirm_view(self, request):
        """Enter the State Council notice, preview it against today's calendar, confirm."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        changes = None
        if request.method == "POST":
            form = ConfirmYearForm(request.POST)
            if form.is_valid():
                year, days = form.cleaned_data["year"], form.cleaned_data["days"]
                if "confirm" in request.POST:
                    result = services.confirm_year(
                        year=year, days=days, by=request.user, note=form.cleaned_data["note"]
                    )
                    messages.success(
                        request,
                        gettext(
                            "The %(year)s calendar is confirmed: %(days)s days changed, "
                            "%(moved)s open deadlines recomputed and their holders told."
                        )
                        % {"year": year, "days": len(result.changes), "moved": result.moved},
                    )
                    return redirect("admin:workdays_calendaryear_changelist")
                changes = services.preview(year=year, days=days)
        else:
            default_year = next(iter(years_to_confirm()), timezone.localdate().year + 1)
            try:
                year = int(request.GET.get("year", default_year))
            except ValueError:
                year = default_year
            year = min(max(year, calendar.FIRST_YEAR), calendar.LAST_YEAR)
            form = ConfirmYearForm(initial={"year": year, "notice": _proposal(year)})
        rows = [
            {
                "date": change.date,
                "weekday": date_format(change.date, "l"),
                "was": gettext("working day") if change.was_working else gettext("day off"),
                "now": gettext("working day") if change.is_working else gettext("day off"),
                "name": change.name,
            }
            for change in changes or []
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Confirm a year's working-day calendar"),
            "form": form,
            "previewed": changes is not None,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/workdays/confirm_year.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "source", "note")
    list_filter = ("is_working_day", "source")
    search_fields = ("name", "note")
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")


@admin.register(OfficeHours)
class OfficeHoursAdmin(CalendarAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__",)

    def has_add_permission(self, request):
        return not OfficeHours.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
