"""The rows of the progress ledger (进度台账) and the problem ledger (问题台账), and
their filters: parsed here, then checked by the ledger page's own filter form."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from archive_app import selectors
from archive_app.forms import LedgerFilterForm, ProblemLedgerFilterForm
from archive_app.sources.issues import PROBLEM_SORTS
from collab.org.models import Department
from issues_app.models import Grade, ProblemState

# --- rows ----------------------------------------------------------------------------

DISPLAY = "Local time as shown on the ledger (YYYY-MM-DD or YYYY-MM-DD HH:MM)."


class MilestoneRowSerializer(serializers.Serializer):
    date = serializers.CharField()
    text = serializers.CharField()
    passed = serializers.BooleanField()


class LateReasonRowSerializer(serializers.Serializer):
    person = serializers.CharField()
    due = serializers.CharField(help_text=DISPLAY)
    reason = serializers.CharField(help_text="Empty until the person explains the delay.")
    given = serializers.CharField(allow_null=True, help_text=DISPLAY)


class ProgressRowSerializer(serializers.Serializer):
    """One request on the progress ledger; labels are in the request's language."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    requesting = serializers.CharField(help_text="Requesting department code.")
    requesting_name = serializers.CharField()
    requester = serializers.CharField()
    addressed = serializers.ListField(child=serializers.CharField(), help_text="Codes.")
    addressed_names = serializers.ListField(child=serializers.CharField())
    state = serializers.CharField()
    state_label = serializers.CharField()
    step = serializers.CharField(help_text="The next step(s).")
    holder = serializers.CharField(help_text="Who holds the next step.")
    milestones = MilestoneRowSerializer(many=True)
    progress = serializers.IntegerField(allow_null=True, help_text="Task progress, percent.")
    tasks_done = serializers.IntegerField(allow_null=True)
    tasks_total = serializers.IntegerField(allow_null=True)
    tasks_late = serializers.IntegerField(allow_null=True)
    priority = serializers.CharField()
    start_date = serializers.CharField(allow_null=True, help_text=DISPLAY)
    deadline = serializers.CharField(allow_null=True, help_text=DISPLAY)
    submitted = serializers.CharField(allow_null=True, help_text=DISPLAY)
    step_due = serializers.CharField(
        allow_null=True, help_text="When the current step (review, report) is due. " + DISPLAY
    )
    step_due_provisional = serializers.BooleanField(
        help_text="The step's due time falls on a year's provisional holiday calendar."
    )
    step_late = serializers.BooleanField()
    overdue = serializers.BooleanField()
    overdue_reasons = serializers.ListField(child=serializers.CharField())
    late_reasons = LateReasonRowSerializer(
        many=True,
        help_text="Reasons for delays of more than 24 h, asked of the people responsible.",
    )
    web_url = serializers.SerializerMethodField(help_text="The request's page in the browser.")

    def get_web_url(self, row) -> str:
        return reverse("requests:detail", args=[row["id"]])


class ProblemRowSerializer(serializers.Serializer):
    """One problem on the problem ledger; labels are in the request's language."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    request_id = serializers.IntegerField()
    request_number = serializers.CharField()
    task_number = serializers.CharField()
    grade = serializers.CharField(help_text="general, important, major, or empty.")
    grade_label = serializers.CharField()
    category = serializers.CharField()
    reporter = serializers.CharField()
    reporting = serializers.CharField(help_text="Reporting department code.")
    departments = serializers.ListField(child=serializers.CharField(), help_text="Concerned.")
    responded = serializers.ListField(child=serializers.CharField(), help_text="Have responded.")
    owner = serializers.CharField()
    reported_at = serializers.CharField(help_text=DISPLAY)
    response_due = serializers.CharField(help_text=DISPLAY)
    response_due_provisional = serializers.BooleanField(
        help_text="The response limit falls on a year's provisional holiday calendar."
    )
    resolve_due = serializers.CharField(help_text=DISPLAY)
    resolve_due_provisional = serializers.BooleanField(
        help_text="The solution limit falls on a year's provisional holiday calendar."
    )
    state = serializers.CharField()
    state_label = serializers.CharField()
    status_label = serializers.CharField()
    closed = serializers.BooleanField()
    resolution = serializers.CharField()
    resolved_at = serializers.CharField(help_text=DISPLAY)
    closed_at = serializers.CharField(help_text=DISPLAY)
    days_open = serializers.IntegerField()
    overdue = serializers.BooleanField()
    overdue_reasons = serializers.ListField(child=serializers.CharField())
    web_url = serializers.SerializerMethodField(help_text="The problem's page in the browser.")

    def get_web_url(self, row) -> str:
        return reverse("issues:problem", args=[row["id"]])


# --- filters: parsed here, then checked by the ledger page's own form -----------------


class ProgressFilterSerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text="Period start: requests due on or after it."
    )
    date_to = serializers.DateField(
        required=False, help_text="Period end: requests started on or before it."
    )
    department = serializers.CharField(
        required=False, help_text="Department code: requests it filed or is addressed by."
    )
    state = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in selectors.LEDGER_STATES], required=False
    )
    overdue = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(
        choices=[value for value, _label in LedgerFilterForm.base_fields["sort"].choices],
        required=False,
        help_text="Default: -submitted.",
    )


class ProblemLedgerFilterSerializer(ProgressFilterSerializer):
    date_from = serializers.DateField(
        required=False, help_text="Period start: problems not closed before it."
    )
    date_to = serializers.DateField(
        required=False, help_text="Period end: problems reported on or before it."
    )
    department = serializers.CharField(
        required=False, help_text="Department code: problems it reported or is concerned by."
    )
    grade = serializers.ChoiceField(
        choices=[*Grade.choices, ("ungraded", _("Not graded yet"))], required=False
    )
    state = serializers.ChoiceField(choices=ProblemState.choices, required=False)
    sort = serializers.ChoiceField(
        choices=list(PROBLEM_SORTS), required=False, help_text="Default: -reported."
    )


LEDGERS = {
    # ledger: (filter serializer, the page's filter form)
    "progress": (ProgressFilterSerializer, LedgerFilterForm),
    "problem": (ProblemLedgerFilterSerializer, ProblemLedgerFilterForm),
}


def ledger_filters(ledger: str, query_params) -> dict:
    """The filters of the ledger page, from the query string; 400 when invalid."""
    serializer_class, form_class = LEDGERS[ledger]
    parsed = serializer_class(data=query_params)
    parsed.is_valid(raise_exception=True)
    data = {}
    for name, value in parsed.validated_data.items():
        if name == "department":
            department = Department.objects.active().filter(code=value.upper()).first()
            if department is None:
                raise ValidationError({"department": [gettext("No such department.")]})
            data[name] = department.pk
        elif name == "overdue":
            if value:
                data[name] = "on"
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = value
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError(
            {
                name: [e["message"] for e in errors]
                for name, errors in form.errors.get_json_data().items()
            }
        )
    return form.cleaned_data
