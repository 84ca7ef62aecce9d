from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collab.core.files import MultipleFileField
from collab.org.models import Department

from .dates import HORIZON_YEARS, LATE_RECORDING_DAYS, request_date_problems
from .models import Answer, Request, RequestType, State
from .selectors import MY_ROLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.ModelForm):
    attachments = MultipleFileField()
    # A request agreed earlier (on the phone last week) and filed today is a real record;
    # its true start date is kept, but only when the person says so (dates.py).
    recorded_late = forms.BooleanField(label=_("This request is recorded late"), required=False)

    class Meta:
        model = Request
        fields = [
            "title",
            "type",
            "priority",
            "confidentiality",
            "contact_phone",
            "external_partner",
            "background_goal",
            "content_deliverables",
            "start_date",
            "deadline",
            "resource_needs",
            "expected_benefit",
            "usage_period",
        ]
        widgets = {
            "start_date": DATE,
            "deadline": DATE,
            "background_goal": forms.Textarea(attrs={"rows": 3}),
            "content_deliverables": forms.Textarea(attrs={"rows": 5}),
            "resource_needs": forms.Textarea(attrs={"rows": 2}),
            "expected_benefit": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = [name for name in self.fields if name != "recorded_late"]
        order.insert(order.index("start_date") + 1, "recorded_late")
        self.order_fields(order)
        self.fields["recorded_late"].help_text = _(
            "Tick when the request was agreed before today and is only filed now; "
            "its start date may then be up to %(days)s days in the past."
        ) % {"days": LATE_RECORDING_DAYS}
        self.fields["start_date"].help_text = _(
            "Today or later; for a request recorded late, up to %(days)s days ago."
        ) % {"days": LATE_RECORDING_DAYS}
        self.fields["deadline"].help_text = _(
            "Not in the past, not before the start date, at most %(years)s years ahead."
        ) % {"years": HORIZON_YEARS}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == RequestType.RESOURCE:
            for name in ("expected_benefit", "usage_period"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("Required for resource requests."))
        # Milestones are judged by the milestone formset, with the same rule.
        for problem in request_date_problems(
            start=cleaned.get("start_date"),
            deadline=cleaned.get("deadline"),
            today=timezone.localdate(),
            recorded_late=cleaned.get("recorded_late", False),
            # Not yet overwritten: a ModelForm copies the new values after clean().
            stored_start=self.instance.start_date if self.instance.pk else None,
        ):
            if problem.field in self.fields and problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return cleaned

    def request_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AddressedDepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Leave empty for the department's liaison."),
    )

    def __init__(self, *args, requester=None, departments=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requester = requester
        self.fields["department"].queryset = departments
        # Offer only the members of the chosen department (HTMX refreshes the list when
        # the department changes; without JavaScript the liaison is the default).
        chosen = self.data.get(self.add_prefix("department")) if self.is_bound else None
        if not chosen:
            chosen = getattr(self.initial.get("department"), "pk", self.initial.get("department"))
        try:
            chosen = int(chosen) if chosen else None
        except (TypeError, ValueError):
            chosen = None
        self.fields["contact"].queryset = (
            people.filter(department_id=chosen) if chosen else people.none()
        )
        self.fields["department"].widget.attrs["data-testid"] = "department-select"
        self.fields["contact"].widget.attrs["data-testid"] = "contact-select"

    def clean(self):
        cleaned = super().clean()
        department, contact = cleaned.get("department"), cleaned.get("contact")
        if department is None:
            if contact is not None:
                self.add_error("department", _("Choose the department."))
            return cleaned
        if self.requester and department.pk == self.requester.department_id:
            self.add_error("department", _("You cannot address your own department."))
        if contact is not None and contact.department_id != department.pk:
            self.add_error(
                "contact",
                _("%(name)s is not a member of %(department)s.")
                % {"name": contact.name, "department": department.code},
            )
        if contact is None and department.liaison_id is None:
            self.add_error("contact", _("This department has no liaison; name a contact."))
        return cleaned


class BaseDepartmentFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        chosen = [f.cleaned_data.get("department") for f in self.forms if f.cleaned_data]
        chosen = [d for d in chosen if d is not None]
        if not chosen:
            raise ValidationError(_("Address at least one department."))
        if len({d.pk for d in chosen}) != len(chosen):
            raise ValidationError(_("Each department can be addressed only once."))

    def pairs(self):
        return [
            (f.cleaned_data["department"], f.cleaned_data.get("contact"))
            for f in self.forms
            if f.cleaned_data.get("department")
        ]


DepartmentFormSet = forms.formset_factory(
    AddressedDepartmentForm, formset=BaseDepartmentFormSet, extra=0, max_num=20
)


class MilestoneForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    description = forms.CharField(label=_("Milestone"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("date")) != bool((cleaned.get("description") or "").strip()):
            raise ValidationError(_("Give both the date and the description."))
        return cleaned


class BaseMilestoneFormSet(forms.BaseFormSet):
    def __init__(self, *args, start=None, deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.deadline = start, deadline

    def clean(self):
        if any(self.errors):
            return
        problems = request_date_problems(
            start=self.start,
            deadline=self.deadline,
            milestones=[form.cleaned_data.get("date") for form in self.forms],
            today=timezone.localdate(),
        )
        for problem in problems:
            if problem.field == "milestones":
                self.forms[problem.index].add_error("date", problem.message)

    def pairs(self):
        return [
            (f.cleaned_data["date"], f.cleaned_data["description"].strip())
            for f in self.forms
            if f.cleaned_data.get("date")
        ]


MilestoneFormSet = forms.formset_factory(
    MilestoneForm, formset=BaseMilestoneFormSet, extra=0, max_num=50
)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(a.value, a.label) for a in Answer if a != Answer.PENDING],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("What to adjust, or why you decline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("answer") in (Answer.ADJUSTMENT, Answer.DECLINED)
            and not (cleaned.get("text") or "").strip()
        ):
            self.add_error("text", _("Say what needs to be adjusted, or why you decline."))
        return cleaned


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(required=True)


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=get_user_model().objects.filter(is_active=True)
    )


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("All priorities")), *Request._meta.get_field("priority").choices],
    )
    role = forms.ChoiceField(
        label=_("My role"),
        required=False,
        choices=[
            ("", _("Any")),
            (MY_ROLES[0], _("Filed by me")),
            (MY_ROLES[1], _("Waiting for my review")),
            (MY_ROLES[2], _("Addressed to my department")),
            (MY_ROLES[3], _("I am the contact")),
        ],
    )
    date_from = forms.DateField(label=_("Created from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Created until"), required=False, widget=DATE)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def filters(self) -> dict:
        # Apply the filters that are valid; the invalid ones show their error.
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
