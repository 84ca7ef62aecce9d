from django import forms
from django.utils.translation import gettext_lazy as _

from collab.org.models import Department
from issues_app.models import Grade, ProblemState

from .selectors import LEDGER_STATES, SORTS
from .sources.issues import PROBLEM_SORTS


class LedgerFilterForm(forms.Form):
    sorts = SORTS

    date_from = forms.DateField(
        label=_("Period from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Period to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.active(),
        required=False,
        empty_label=_("All departments"),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-submitted", _("Newest first")),
            ("submitted", _("Oldest first")),
            ("deadline", _("Deadline, soonest first")),
            ("-deadline", _("Deadline, latest first")),
            ("number", _("Number")),
            ("department", _("Requesting department")),
            ("state", _("State")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states"))] + [
            (s.value, s.label) for s in LEDGER_STATES
        ]
        self.fields["department"].label_from_instance = lambda d: f"{d.code} {d.name}"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        if data.get("sort") not in self.sorts:
            data["sort"] = ""
        return data


class ProblemLedgerFilterForm(LedgerFilterForm):
    """The problem ledger's filters: the period, department, state and overdue fields of
    the progress ledger, plus the grade."""

    sorts = PROBLEM_SORTS
    grade = forms.ChoiceField(label=_("Grade"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [
            ("", _("All grades")),
            *Grade.choices,
            ("ungraded", _("Not graded yet")),
        ]
        self.fields["state"].choices = [("", _("All states")), *ProblemState.choices]
        self.fields["sort"].choices = [
            ("-reported", _("Newest first")),
            ("reported", _("Oldest first")),
            ("due", _("Deadline, soonest first")),
            ("grade", _("Grade")),
            ("number", _("Number")),
            ("state", _("State")),
        ]


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Number, title or any word of the content")}
        ),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
    )
    date_from = forms.DateField(
        label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Filed to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: f"{d.code} {d.name}"


class ReportForm(forms.Form):
    work_done = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    results = forms.CharField(
        label=_("Results"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    open_problems = forms.CharField(
        label=_("Open problems"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    suggestions = forms.CharField(
        label=_("Suggestions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Required when you send the report back."),
    )
