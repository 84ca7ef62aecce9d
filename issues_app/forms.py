from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collab.core.files import MultipleFileField
from collab.org.models import Department

from .models import (
    Category,
    EntryKind,
    Grade,
    MeetingKind,
    MilestoneStage,
    ProblemState,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def people():
    return (
        get_user_model()
        .objects.filter(is_active=True, department__isnull=False)
        .select_related("department")
        .order_by("department__code", "display_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        code = obj.department.code if obj.department_id else ""
        return f"{obj.name} ({code})" if code else obj.name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        code = obj.department.code if obj.department_id else ""
        return f"{obj.name} ({code})" if code else obj.name


# --- problems ------------------------------------------------------------------------------


class DepartmentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(
        label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    impact = forms.CharField(
        label=_("Impact"),
        max_length=2000,
        help_text=_("What the problem delays or endangers, and since when."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    departments = DepartmentsField(
        label=_("Departments concerned"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They must respond within 2 working days."),
    )
    attachments = MultipleFileField()

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, required=False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if label:
            self.fields["comment"].label = label


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect)
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("— as the grade decides —"),
        help_text=_(
            "General: the lead department's head; important: the executive secretary; "
            "major: the coordination group leader."
        ),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class RespondForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("For department"), queryset=Department.objects.none(), empty_label=None
    )
    text = forms.CharField(
        label=_("Response"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=[d.pk for d in departments]
        )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in EntryKind if k != EntryKind.RESPONSE],
        widget=forms.RadioSelect,
        initial=EntryKind.PROPOSAL,
    )
    text = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was decided and done; the reporter confirms it."),
    )


class OwnerForm(forms.Form):
    owner = PersonChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    deadline = forms.DateField(
        label=_("Deadline"), widget=DATE, help_text=_("Due when the office closes that day.")
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("The deadline cannot be in the past."))
        return deadline


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(required=True)


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or request number"), required=False)
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[("", _("All grades")), ("ungraded", _("Not graded yet")), *Grade.choices],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *ProblemState.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Mine (owner or reporter)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.active()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


# --- meetings ------------------------------------------------------------------------------


class RequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.title}"


class ProblemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        grade = obj.get_grade_display() if obj.grade else _("not graded")
        return f"{obj.number} {obj.title} ({grade})"


class SingleProblemField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.title}"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=90
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    chair = PersonChoiceField(label=_("Chair"), queryset=get_user_model().objects.none())
    attendees = PeopleChoiceField(
        label=_("Attendees"),
        queryset=get_user_model().objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    request = RequestChoiceField(
        label=_("Request"),
        required=False,
        queryset=None,
        help_text=_("Required for a milestone meeting."),
    )
    milestone_stage = forms.ChoiceField(
        label=_("Milestone"), required=False, choices=[("", "—"), *MilestoneStage.choices]
    )
    problems = ProblemChoiceField(
        label=_("Problems on the agenda"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For the weekly meeting, open important and major problems and late requests "
            "are added automatically."
        ),
    )
    repeat_weekly = forms.BooleanField(label=_("Repeat every week at this time"), required=False)

    def __init__(self, *args, requests=None, problems=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people()
        self.fields["attendees"].queryset = people()
        self.fields["request"].queryset = requests
        self.fields["problems"].queryset = problems

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MeetingKind.MILESTONE:
            if not cleaned.get("request"):
                self.add_error("request", _("Choose the request of the milestone meeting."))
            if not cleaned.get("milestone_stage"):
                self.add_error("milestone_stage", _("Choose the milestone."))
        if cleaned.get("repeat_weekly") and cleaned.get("kind") != MeetingKind.WEEKLY:
            self.add_error("repeat_weekly", _("Only the weekly meeting repeats."))
        return cleaned


class AgendaForm(forms.Form):
    problem = SingleProblemField(label=_("Problem"), required=False, queryset=None)
    request = RequestChoiceField(label=_("Request"), required=False, queryset=None)
    title = forms.CharField(label=_("Other topic"), required=False, max_length=200)

    def __init__(self, *args, requests=None, problems=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems
        self.fields["request"].queryset = requests

    def clean(self):
        cleaned = super().clean()
        chosen = [k for k in ("problem", "request", "title") if cleaned.get(k)]
        if len(chosen) != 1:
            raise ValidationError(_("Choose one problem, one request or write one topic."))
        return cleaned


class MinutesForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What each department reported: done, problems, next week."),
    )
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, meeting=None, agenda=(), labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(a.user_id), a.user.name) for a in meeting.attendees.all()
        ]
        self.agenda = list(agenda)
        for item in self.agenda:
            self.fields[f"decision_{item.pk}"] = forms.CharField(
                label=(labels or {}).get(item.pk, str(item)),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def decision_fields(self):
        return [self[f"decision_{item.pk}"] for item in self.agenda]

    def decisions(self) -> dict:
        return {item.pk: self.cleaned_data.get(f"decision_{item.pk}", "") for item in self.agenda}


class ActionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = PersonChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    problem = SingleProblemField(label=_("Problem"), required=False, queryset=None)
    request = RequestChoiceField(label=_("Request"), required=False, queryset=None)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, problems=None, requests=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["problem"].queryset = problems
        self.fields["request"].queryset = requests

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove"):
            return cleaned
        filled = any(cleaned.get(k) for k in ("title", "owner", "deadline"))
        if filled:
            for name, message in (
                ("title", _("Say what is to be done.")),
                ("owner", _("Name the owner.")),
                ("deadline", _("Set a deadline.")),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(data.get(k) for k in ("title", "owner", "deadline"))


ActionFormSet = forms.formset_factory(ActionForm, extra=2, max_num=100)


class DoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingViewForm(forms.Form):
    view = forms.ChoiceField(
        required=False,
        choices=[
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
            ("minutes_due", _("Minutes due")),
        ],
    )
