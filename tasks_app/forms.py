from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collab.core.files import MultipleFileField
from requests_app.models import Priority

from .dates import planned_finish_problem
from .models import TaskState
from .models.choices import SCORES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        code = obj.department.code if obj.department_id else ""
        return f"{obj.name} ({code})" if code else obj.name


class TaskForm(forms.Form):
    name = forms.CharField(label=_("Task"), max_length=200)
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        help_text=_("One person of your department answers for the task."),
    )
    collaborators = PeopleChoiceField(
        label=_("Collaborators"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Anyone who helps, from any department. Hold Ctrl (⌘) to pick several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="medium")
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE)
    planned_finish = forms.DateField(label=_("Planned finish"), widget=DATE)
    deliverable_standard = forms.CharField(
        label=_("Deliverable standard"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the delivery must contain and meet to be accepted."),
    )

    def __init__(self, *args, department, request, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_obj = request
        User = get_user_model()
        active = User.objects.filter(is_active=True)
        self.fields["owner"].queryset = active.filter(department=department).order_by(
            "display_name", "username"
        )
        self.fields["collaborators"].queryset = (
            active.filter(department__isnull=False)
            .select_related("department")
            .order_by("department__code", "display_name", "username")
        )
        for name in ("planned_start", "planned_finish"):
            self.fields[name].widget.attrs.update(
                {"min": request.start_date.isoformat(), "max": request.deadline.isoformat()}
            )
        self.fields["planned_start"].help_text = _(
            "Within the request's dates: %(start)s to %(deadline)s."
        ) % {"start": request.start_date.isoformat(), "deadline": request.deadline.isoformat()}
        if editing:
            self.fields["comment"] = forms.CharField(
                label=_("Reason for the change"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Kept in the task's timeline."),
            )

    def clean(self):
        data = super().clean()
        start, finish = data.get("planned_start"), data.get("planned_finish")
        first, last = self.request_obj.start_date, self.request_obj.deadline
        outside = _("Plan within the request's dates (%(start)s to %(deadline)s).") % {
            "start": first.isoformat(),
            "deadline": last.isoformat(),
        }
        for name, day in (("planned_start", start), ("planned_finish", finish)):
            if day and not first <= day <= last:
                self.add_error(name, outside)
        if start and finish and finish < start and "planned_finish" not in self.errors:
            self.add_error(
                "planned_finish", _("The planned finish cannot be before the planned start.")
            )
        # When editing, the initial value is the saved plan: a task already late is not
        # refused for it (see dates.py).
        past = planned_finish_problem(
            finish, today=timezone.localdate(), stored=self.initial.get("planned_finish")
        )
        if past and "planned_finish" not in self.errors:
            self.add_error("planned_finish", past)
        return data


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("Progress today"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: requirements done, front end 30%."),
    )
    percent = forms.IntegerField(label=_("Done (%)"), min_value=0, max_value=100, required=False)
    files = MultipleFileField(label=_("Files"))


class DeliverForm(forms.Form):
    note = forms.CharField(
        label=_("Delivery note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you hand in and how it meets the deliverable standard."),
    )
    files = MultipleFileField(label=_("Files"))
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address per line (http:// or https://)."),
    )

    def clean_links(self) -> list[str]:
        """One link per line, as the service takes them."""
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    changes = forms.CharField(
        label=_("Required changes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say exactly what has to change for the delivery to be accepted."),
    )
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the task's timeline."),
    )


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in."""


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.Form):
    speed = forms.TypedChoiceField(
        label=_("Response speed"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    professionalism = forms.TypedChoiceField(
        label=_("Professionalism"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    cooperation = forms.TypedChoiceField(
        label=_("Cooperation"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *TaskState.choices]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("All priorities")), *Priority.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
