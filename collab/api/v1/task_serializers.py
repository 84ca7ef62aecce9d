"""Representations of tasks and the bodies their actions take."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from requests_app.models import Priority
from tasks_app import permissions
from tasks_app.actions import workflow
from tasks_app.models import (
    AcceptanceRound,
    Deliverable,
    ProgressEntry,
    Task,
    TaskEvent,
    TaskState,
)

from ..actions import ActionsField
from .common import ProvisionalFlag, UserRefSerializer

ACTIVE_PEOPLE = get_user_model().objects.filter(is_active=True)


class RequestRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)


class TaskListSerializer(serializers.ModelSerializer):
    request = RequestRefSerializer(read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    owner = UserRefSerializer(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "number",
            "name",
            "state",
            "priority",
            "request",
            "department",
            "owner",
            "planned_start",
            "planned_finish",
            "due_date",
            "progress_percent",
            "rejection_rounds",
            "overdue",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, task) -> str:
        return reverse("tasks:detail", args=[task.pk])


class ProgressSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)

    class Meta:
        model = ProgressEntry
        fields = ["id", "date", "text", "percent", "author", "created_at"]
        read_only_fields = fields


class DeliverableSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = Deliverable
        fields = ["id", "kind", "name", "url", "size", "uploaded_at"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    delivered_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)
    feedback_due_provisional = ProvisionalFlag("feedback_due")

    class Meta:
        model = AcceptanceRound
        fields = [
            "number",
            "delivered_by",
            "delivered_at",
            "note",
            "feedback_due",
            "feedback_due_provisional",
            "result",
            "decided_by",
            "decided_at",
            "comment",
            "required_changes",
            "new_deadline",
            "deliverables",
        ]
        read_only_fields = fields


class TaskEventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TaskEvent
        fields = ["verb", "actor", "at", "comment", "data"]
        read_only_fields = fields


class TaskDetailSerializer(TaskListSerializer):
    collaborators = UserRefSerializer(many=True, read_only=True)
    accepted_by = UserRefSerializer(read_only=True, allow_null=True)
    progress = ProgressSerializer(many=True, read_only=True)
    rounds = RoundSerializer(many=True, read_only=True)
    timeline = TaskEventSerializer(source="events", many=True, read_only=True)
    actions = ActionsField(
        workflow,
        extra={"edit": permissions.can_edit},
        help_text="What you may do with the task now.",
    )

    class Meta(TaskListSerializer.Meta):
        fields = [
            *TaskListSerializer.Meta.fields,
            "collaborators",
            "deliverable_standard",
            "actual_start",
            "actual_finish",
            "last_progress_at",
            "delivered_at",
            "accepted_by",
            "accepted_at",
            "cancelled_at",
            "cancel_reason",
            "created_at",
            "updated_at",
            "progress",
            "rounds",
            "timeline",
            "actions",
        ]
        read_only_fields = fields


class TaskFilterSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=["mine", "department", "all"],
        default="all",
        help_text="mine: I own or collaborate; department: my department's; all: all I may see.",
    )
    state = serializers.ChoiceField(choices=TaskState.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, help_text="Part of the number or the name.")


class TaskWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=ACTIVE_PEOPLE)
    collaborators = serializers.SlugRelatedField(
        slug_field="username", queryset=ACTIVE_PEOPLE, many=True, required=False
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)
    planned_start = serializers.DateField()
    planned_finish = serializers.DateField()
    deliverable_standard = serializers.CharField()


class TaskCreateSerializer(TaskWriteSerializer):
    request = serializers.IntegerField(min_value=1, max_value=2**62, help_text="Request id.")
    department = serializers.CharField(help_text="Code of your confirmed department.")


class TaskUpdateSerializer(TaskWriteSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RatingBody(serializers.Serializer):
    department = serializers.CharField(help_text="Code of the addressed department rated.")
    speed = serializers.IntegerField(min_value=1, max_value=5)
    professionalism = serializers.IntegerField(min_value=1, max_value=5)
    cooperation = serializers.IntegerField(min_value=1, max_value=5)
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
