"""The API bodies of the problem and meeting steps whose input differs from their HTML
form: people are named by user name (the pages choose them from a list), and a required
text the pages call `comment` is the API's `reason` or `ruling` (read into `comment`, so
that a step runs the same on both sides)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Grade

# The people the problem forms offer as owners: active and in a department.
PEOPLE = get_user_model().objects.filter(is_active=True, department__isnull=False)
TEXT_MAX = 5000


class ReasonBody(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, source="comment")


class RulingBody(serializers.Serializer):
    ruling = serializers.CharField(max_length=TEXT_MAX, source="comment")


class GradeBody(serializers.Serializer):
    grade = serializers.ChoiceField(
        choices=Grade.choices,
        help_text="general: does not affect the overall schedule (answer within 1 working "
        "day); important: delays part of the work (solution within 3 working days); major: "
        "threatens the overall goal (the coordination group leader takes it).",
    )
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=PEOPLE,
        required=False,
        allow_null=True,
        help_text="User name; left out: as the grade decides (general: the lead "
        "department's head; important: the executive secretary; major: the coordination "
        "group leader).",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )


class AssignBody(serializers.Serializer):
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=PEOPLE, help_text="User name."
    )
    deadline = serializers.DateField(help_text="Due when the office closes that day.")
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )

    def validate_deadline(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError(_("The deadline cannot be in the past."))
        return value
