"""Representations of problem reports and the bodies their actions take."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from collab.org.models import Department
from issues_app import permissions
from issues_app.actions import problems
from issues_app.models import (
    ActionItem,
    AgendaItem,
    Category,
    Grade,
    Problem,
    ProblemAttachment,
    ProblemDepartment,
    ProblemEntry,
    ProblemEvent,
    ProblemState,
)

from ..actions import ActionsField
from .common import DepartmentRefSerializer, ProvisionalFlag, UserRefSerializer
from .task_serializers import RequestRefSerializer

TEXT_MAX = 5000

# --- reading -------------------------------------------------------------------------


class TaskRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ConcernedBriefSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = ProblemDepartment
        fields = ["department", "responded_at"]
        read_only_fields = fields


class ConcernedSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    responded_by = UserRefSerializer(read_only=True, allow_null=True)
    can_respond = serializers.SerializerMethodField(
        help_text="Whether you may respond for this department now."
    )

    class Meta:
        model = ProblemDepartment
        fields = ["department", "responded_by", "responded_at", "can_respond"]
        read_only_fields = fields

    def get_can_respond(self, pd) -> bool:
        return permissions.can_respond(self.context["request"].user, pd.problem, pd)


class ProblemListSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text="Request number + Q + serial.")
    status = serializers.CharField(
        read_only=True,
        help_text="pending, in_progress or resolved, as a task page lists its problems.",
    )
    request = RequestRefSerializer(read_only=True)
    task = TaskRefSerializer(read_only=True, allow_null=True)
    reporter = UserRefSerializer(read_only=True)
    reporting_department = DepartmentRefSerializer(read_only=True, allow_null=True)
    departments = ConcernedBriefSerializer(many=True, read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(
        read_only=True, help_text="The limit passed without the step the grade asks for."
    )
    response_overdue = serializers.BooleanField(
        read_only=True, help_text="A department concerned has not responded in time."
    )
    response_due_provisional = ProvisionalFlag("response_due")
    due_at_provisional = ProvisionalFlag("due_at")
    web_url = serializers.SerializerMethodField(help_text="The problem's page in the browser.")

    class Meta:
        model = Problem
        fields = [
            "id",
            "number",
            "title",
            "category",
            "grade",
            "state",
            "status",
            "request",
            "task",
            "reporter",
            "reporting_department",
            "departments",
            "owner",
            "reported_at",
            "response_due",
            "response_due_provisional",
            "due_at",
            "due_at_provisional",
            "overdue",
            "response_overdue",
            "escalated_at",
            "resolved_at",
            "closed_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, problem) -> str:
        return reverse("issues:problem", args=[problem.pk])


class EntrySerializer(serializers.ModelSerializer):
    department = serializers.CharField(
        source="department.code", read_only=True, allow_null=True, default=None
    )
    author = UserRefSerializer(read_only=True)

    class Meta:
        model = ProblemEntry
        fields = ["id", "kind", "department", "text", "author", "at"]
        read_only_fields = fields


class ProblemAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = UserRefSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField(help_text="Download in the browser.")

    class Meta:
        model = ProblemAttachment
        fields = [
            "id",
            "name",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "download_url",
            "web_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse("api:problem-attachment", args=[attachment.problem_id, attachment.pk])

    def get_web_url(self, attachment) -> str:
        return reverse("issues:problem_attachment", args=[attachment.problem_id, attachment.pk])


class ProblemEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    detail = serializers.CharField(read_only=True, help_text="E.g. “General → Important”.")
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProblemEvent
        fields = ["verb", "label", "detail", "actor", "at", "comment", "data"]
        read_only_fields = fields


class ProblemMeetingSerializer(serializers.ModelSerializer):
    """A meeting that has the problem on its agenda."""

    id = serializers.IntegerField(source="meeting.id", read_only=True)
    title = serializers.CharField(source="meeting.title", read_only=True)
    starts_at = serializers.DateTimeField(source="meeting.starts_at", read_only=True)
    state = serializers.CharField(
        source="meeting.state", read_only=True, help_text="The meeting's state."
    )
    decision = serializers.CharField(read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "title", "starts_at", "state", "decision"]
        read_only_fields = fields


class ProblemActionItemSerializer(serializers.ModelSerializer):
    """An action item a meeting's minutes set on the problem."""

    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    owner = UserRefSerializer(read_only=True)
    state = serializers.CharField(read_only=True, help_text="open, done or cancelled.")
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "title", "owner", "deadline", "state", "overdue"]
        read_only_fields = fields


class ProblemDetailSerializer(ProblemListSerializer):
    departments = ConcernedSerializer(many=True, read_only=True)
    graded_by = UserRefSerializer(read_only=True, allow_null=True)
    resolved_by = UserRefSerializer(read_only=True, allow_null=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    referred_to = UserRefSerializer(read_only=True, allow_null=True)
    referral_pending = serializers.BooleanField(read_only=True)
    entries = EntrySerializer(many=True, read_only=True)
    attachments = ProblemAttachmentSerializer(many=True, read_only=True)
    meetings = ProblemMeetingSerializer(source="agenda_items", many=True, read_only=True)
    action_items = ProblemActionItemSerializer(source="actions", many=True, read_only=True)
    timeline = ProblemEventSerializer(source="events", many=True, read_only=True)
    actions = ActionsField(
        problems,
        extra={
            "respond": permissions.can_respond_any,
            "propose": permissions.can_add_entry,
            "decide": permissions.can_add_entry,
        },
        help_text="What you may do with the problem now.",
    )

    class Meta(ProblemListSerializer.Meta):
        fields = [
            *ProblemListSerializer.Meta.fields,
            "description",
            "impact",
            "graded_by",
            "graded_at",
            "resolution",
            "resolved_by",
            "closed_by",
            "referred_to",
            "referred_at",
            "referral_reason",
            "referral_pending",
            "ruling",
            "ruled_at",
            "entries",
            "attachments",
            "meetings",
            "action_items",
            "timeline",
            "actions",
        ]
        read_only_fields = fields


# --- filtering -----------------------------------------------------------------------

ORDERINGS = [
    "-reported_at",
    "reported_at",
    "due_at",
    "-due_at",
    "response_due",
    "-response_due",
    "-updated_at",
    "updated_at",
]


class ProblemFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="Part of the title or request number.")
    grade = serializers.ChoiceField(
        choices=[("ungraded", _("Not graded yet")), *Grade.choices],
        required=False,
        help_text="ungraded: waiting for the executive secretary.",
    )
    state = serializers.ChoiceField(choices=ProblemState.choices, required=False)
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.active(),
        required=False,
        help_text="Department code: problems it reported or is concerned by.",
    )
    overdue = serializers.BooleanField(required=False, default=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only problems you own or reported."
    )
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-reported_at")


# --- writing -------------------------------------------------------------------------


class ProblemCreateSerializer(serializers.Serializer):
    request = serializers.IntegerField(min_value=1, max_value=2**62, help_text="Request id.")
    task = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        help_text="Id of a task of the request the problem arose in (optional).",
    )
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=TEXT_MAX)
    impact = serializers.CharField(
        max_length=2000, help_text="What the problem delays or endangers, and since when."
    )
    departments = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.active(),
        many=True,
        required=False,
        help_text="Codes of the departments concerned (they respond within 2 working days). "
        "Left out: the task's department, else every department the request addresses.",
    )


class RespondBody(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        help_text="Code of the department concerned you respond for; may be left out when "
        "you may respond for exactly one.",
    )
    text = serializers.CharField(max_length=TEXT_MAX)


class EntryBody(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)
