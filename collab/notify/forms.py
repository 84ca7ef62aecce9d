from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChatWebhook, NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email", "personal_chat", "department_chat"]


class ChatWebhookAdminForm(forms.ModelForm):
    """The secret is write-only: never shown again, kept when left empty."""

    url = forms.URLField(
        label=_("webhook address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The robot's webhook address as shown by the chat platform."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "DingTalk and Feishu robots with signature checking. Leave empty to keep the "
            "stored secret; tick “remove secret” to delete it."
        ),
    )
    clear_secret = forms.BooleanField(label=_("remove secret"), required=False)

    class Meta:
        model = ChatWebhook
        fields = ["name", "platform", "url", "secret", "department", "user", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("department")) == bool(cleaned.get("user")):
            raise forms.ValidationError(_("Choose either a department or a person, not both."))
        return cleaned

    def save(self, commit=True):
        robot = super().save(commit=False)
        if self.cleaned_data.get("clear_secret"):
            robot.secret = ""
        elif not self.cleaned_data.get("secret") and self.instance.pk:
            robot.secret = ChatWebhook.objects.get(pk=self.instance.pk).secret
        if commit:
            robot.save()
        return robot


class LateReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why was the deadline missed?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Kept with the record and shown in the progress ledger."),
    )
