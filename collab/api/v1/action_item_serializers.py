"""Representations of action items (DOMAIN §6), their filter and the body of marking
one done."""

from django.urls import reverse
from rest_framework import serializers

from issues_app import permissions
from issues_app.models import ActionItem, ActionState

from .common import UserRefSerializer
from .meeting_links import LinkedItem


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)


class ActionItemSerializer(LinkedItem, serializers.ModelSerializer):
    meeting = MeetingRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True)
    problem = serializers.SerializerMethodField()
    request = serializers.SerializerMethodField()
    done_by = UserRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(read_only=True)
    can_complete = serializers.SerializerMethodField(
        help_text="Whether you may mark it done now (its owner, once the minutes are out)."
    )
    web_url = serializers.SerializerMethodField(help_text="Mark it done in the browser.")

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "title",
            "owner",
            "deadline",
            "state",
            "overdue",
            "problem",
            "request",
            "done_by",
            "done_at",
            "done_note",
            "can_complete",
            "web_url",
        ]
        read_only_fields = fields

    def get_can_complete(self, item) -> bool:
        return permissions.can_complete_action(self.context["request"].user, item)

    def get_web_url(self, item) -> str:
        return reverse("issues:action_done", args=[item.pk])


class ActionItemFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=ActionState.choices,
        required=False,
    )


class DoneBody(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, help_text="What was done."
    )
