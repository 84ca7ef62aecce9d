import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import periods

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_CUSTOM_DAYS = 731


class PeriodForm(forms.Form):
    """Which period and department the dashboard shows. Invalid input falls back to
    this month for the company, so a bad link still shows a page."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            (periods.MONTH, _("Month")),
            (periods.QUARTER, _("Quarter")),
            (periods.CUSTOM, _("Custom")),
        ],
    )
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    quarter = forms.CharField(
        label=_("Quarter"), required=False, help_text=_("For example 2026-Q2.")
    )
    start = forms.DateField(label=pgettext_lazy("period", "From"), required=False, widget=DATE)
    end = forms.DateField(label=pgettext_lazy("period", "Until"), required=False, widget=DATE)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("Company"),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean_month(self):
        value = self.cleaned_data.get("month") or ""
        if value and not re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", value):
            raise forms.ValidationError(_("Use the form YYYY-MM."))
        return value

    def clean_quarter(self):
        value = (self.cleaned_data.get("quarter") or "").upper()
        if value and not re.fullmatch(r"(19|20|21)\d\d-Q[1-4]", value):
            raise forms.ValidationError(_("Use the form YYYY-Qn, for example 2026-Q2."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == periods.CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The last day cannot be before the first."))
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("Choose at most two years."))
        return cleaned

    def selected_period(self) -> periods.Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or periods.MONTH
        if kind == periods.CUSTOM:
            return periods.custom(data["start"], data["end"])
        if kind == periods.QUARTER:
            if data.get("quarter"):
                year, quarter = data["quarter"].split("-Q")
                return periods.quarter_of(datetime.date(int(year), int(quarter) * 3 - 2, 1))
            return periods.quarter_of(today)
        if data.get("month"):
            year, month = data["month"].split("-")
            return periods.month_of(datetime.date(int(year), int(month), 1))
        return periods.month_of(today)

    def selected_department(self):
        return self.cleaned_data.get("department") if self.is_valid() else None
