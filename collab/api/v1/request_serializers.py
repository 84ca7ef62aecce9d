"""Representations of collaboration requests and the bodies their actions take."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from collab.org.models import Department
from requests_app import permissions
from requests_app.actions import workflow
from requests_app.dates import LATE_RECORDING_DAYS, request_date_problems
from requests_app.models import (
    Attachment,
    Clarification,
    Request,
    RequestDepartment,
    RequestEvent,
    State,
)
from requests_app.selectors import MY_ROLES
from requests_app.services import REQUEST_FIELDS

from ..actions import ActionsField
from .common import DepartmentRefSerializer, ProvisionalFlag, UserRefSerializer

# --- reading -------------------------------------------------------------------------


class AddressedBriefSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = RequestDepartment
        fields = ["department", "answer", "reached_at", "response_due"]
        read_only_fields = fields


class AddressedSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    contact = UserRefSerializer(read_only=True)
    answered_by = UserRefSerializer(read_only=True, allow_null=True)
    head_signed_by = UserRefSerializer(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(
        read_only=True, help_text="Past its response deadline; never while the clock is paused."
    )
    clock_paused = serializers.BooleanField(
        read_only=True,
        help_text="The response clock is paused while the department waits for the "
        "requester's answer to its question.",
    )
    paused_for = serializers.SerializerMethodField(
        help_text="Seconds the response clock has been paused so far in this round (closed "
        "pauses; `response_due` has already moved on by them)."
    )
    acknowledged_by = UserRefSerializer(read_only=True, allow_null=True)
    acknowledge_due_provisional = ProvisionalFlag("acknowledge_due")
    breakdown_due_provisional = ProvisionalFlag("breakdown_due")
    can_answer = serializers.SerializerMethodField(
        help_text="Whether you may confirm, ask for an adjustment, decline or ask a question now."
    )
    can_acknowledge = serializers.SerializerMethodField(
        help_text="Whether you may acknowledge receipt for the department now."
    )

    class Meta:
        model = RequestDepartment
        fields = [
            "id",
            "department",
            "contact",
            "reached_at",
            "response_due",
            "overdue",
            "clock_paused",
            "paused_for",
            "acknowledge_due",
            "acknowledge_due_provisional",
            "acknowledged_by",
            "acknowledged_at",
            "answer",
            "answer_text",
            "answered_by",
            "answered_at",
            "head_signed_by",
            "head_signed_at",
            "breakdown_due",
            "breakdown_due_provisional",
            "can_answer",
            "can_acknowledge",
        ]
        read_only_fields = fields

    def get_paused_for(self, rd) -> int:
        return int(rd.clock_paused_for.total_seconds())

    def get_can_answer(self, rd) -> bool:
        return permissions.can_answer(self.context["request"].user, rd.request, rd)

    def get_can_acknowledge(self, rd) -> bool:
        return permissions.can_acknowledge(self.context["request"].user, rd.request, rd)


class MilestoneSerializer(serializers.Serializer):
    date = serializers.DateField()
    description = serializers.CharField(max_length=300)


class ClarificationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="request_department.department.code", read_only=True)
    asked_by = UserRefSerializer(read_only=True)
    answered_by = UserRefSerializer(read_only=True, allow_null=True)
    can_answer = serializers.SerializerMethodField()

    class Meta:
        model = Clarification
        fields = [
            "id",
            "department",
            "question",
            "asked_by",
            "asked_at",
            "answer_due",
            "answer",
            "answered_by",
            "answered_at",
            "can_answer",
        ]
        read_only_fields = fields

    def get_can_answer(self, clarification) -> bool:
        return permissions.can_reply_clarification(
            self.context["request"].user, clarification.request, clarification
        )


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RequestEvent
        fields = ["verb", "label", "actor", "at", "comment", "data"]
        read_only_fields = fields


class RequestListSerializer(serializers.ModelSerializer):
    requester = UserRefSerializer(read_only=True)
    requesting_department = DepartmentRefSerializer(read_only=True)
    departments = AddressedBriefSerializer(many=True, read_only=True)
    step_due_at_provisional = ProvisionalFlag("step_due_at")
    web_url = serializers.SerializerMethodField(help_text="The request's page in the browser.")

    class Meta:
        model = Request
        fields = [
            "id",
            "number",
            "title",
            "type",
            "state",
            "priority",
            "confidentiality",
            "requester",
            "requesting_department",
            "departments",
            "start_date",
            "deadline",
            "created_at",
            "updated_at",
            "submitted_at",
            # Due time of the step the request waits on (初审, 复审, completion report).
            "step_due_at",
            "step_due_at_provisional",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, obj) -> str:
        return reverse("requests:detail", args=[obj.pk])


class RequestDetailSerializer(RequestListSerializer):
    departments = AddressedSerializer(many=True, read_only=True)
    head_signed_by = UserRefSerializer(read_only=True, allow_null=True)
    leader_signed_by = UserRefSerializer(read_only=True, allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    clarifications = ClarificationSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    timeline = EventSerializer(source="events", many=True, read_only=True)
    actions = ActionsField(
        workflow,
        extra={"edit": permissions.can_edit},
        help_text="What you may do with the request now, besides answering for a department.",
    )

    class Meta(RequestListSerializer.Meta):
        fields = [
            *RequestListSerializer.Meta.fields,
            "contact_phone",
            "external_partner",
            "background_goal",
            "content_deliverables",
            "resource_needs",
            "expected_benefit",
            "usage_period",
            "state_changed_at",
            "head_signed_by",
            "head_signed_at",
            "leader_signed_by",
            "leader_signed_at",
            "milestones",
            "clarifications",
            "attachments",
            "timeline",
            "actions",
        ]
        read_only_fields = fields


# --- filtering -----------------------------------------------------------------------

ORDERINGS = [
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "deadline",
    "-deadline",
    "start_date",
    "-start_date",
    "number",
    "-number",
]


class RequestFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, help_text="Part of the number or the title.")
    state = serializers.ChoiceField(choices=State.choices, required=False)
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        help_text="Department code: requests filed by it or addressed to it.",
    )
    priority = serializers.ChoiceField(
        choices=Request._meta.get_field("priority").choices, required=False
    )
    role = serializers.ChoiceField(
        choices=MY_ROLES,
        required=False,
        help_text="filed: by me; review: waiting for my review; addressed: to my "
        "department; contact: I am the named contact.",
    )
    date_from = serializers.DateField(required=False, help_text="Created on or after.")
    date_to = serializers.DateField(required=False, help_text="Created on or before.")
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-created_at")


# --- writing -------------------------------------------------------------------------


class AddressedInputSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.active(), help_text="Department code."
    )
    contact = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="User name of the named contact; empty for the department's liaison.",
    )


class RequestWriteSerializer(serializers.ModelSerializer):
    """The request form. On PATCH, omitted fields keep their value; `departments` and
    `milestones`, when given, replace the whole list."""

    departments = AddressedInputSerializer(many=True, min_length=1, max_length=20)
    milestones = MilestoneSerializer(many=True, required=False, max_length=50)
    recorded_late = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="The request was agreed before today and is only filed now: its start "
        f"date may then be up to {LATE_RECORDING_DAYS} days in the past. Without it a start "
        "date in the past is refused. A start date left unchanged is not judged again.",
    )

    class Meta:
        model = Request
        fields = [*REQUEST_FIELDS, "departments", "milestones", "recorded_late"]

    def validate(self, attrs):
        """The date rule of the browser form and the services (requests_app.dates),
        reported field by field; a milestone's error sits at its position in the list."""
        current = self.instance

        def value(name):
            return attrs[name] if name in attrs else getattr(current, name, None)

        if "milestones" in attrs:
            milestones = [m["date"] for m in attrs["milestones"]]
        elif current is not None:
            milestones = [m.date for m in current.milestones.all()]
        else:
            milestones = []
        errors = {}
        for problem in request_date_problems(
            start=value("start_date"),
            deadline=value("deadline"),
            milestones=milestones,
            today=timezone.localdate(),
            recorded_late=attrs.get("recorded_late", False),
            stored_start=current.start_date if current is not None else None,
        ):
            if problem.field != "milestones":
                errors.setdefault(problem.field, []).append(problem.message)
            elif "milestones" in attrs:
                rows = errors.setdefault("milestones", [{} for _m in milestones])
                rows[problem.index] = {"date": [problem.message]}
            else:
                errors["milestones"] = [problem.message]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def service_arguments(self, current=None) -> dict:
        """Keyword arguments for services.create_request / update_request."""
        data = self.validated_data
        fields = {name: getattr(current, name) for name in REQUEST_FIELDS} if current else {}
        fields.update({name: data[name] for name in REQUEST_FIELDS if name in data})
        if "departments" in data:
            departments = [(d["department"], d.get("contact")) for d in data["departments"]]
        else:
            departments = [(rd.department, rd.contact) for rd in current.departments.all()]
        if "milestones" in data:
            milestones = [(m["date"], m["description"].strip()) for m in data["milestones"]]
        elif current is not None:
            milestones = [(m.date, m.description) for m in current.milestones.all()]
        else:
            milestones = []
        return {
            "fields": fields,
            "departments": departments,
            "milestones": milestones,
            "recorded_late": data.get("recorded_late", False),
        }


class DepartmentAnswerSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        help_text="Code of the addressed department you answer for; may be left out when "
        "you answer for exactly one.",
    )
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required unless confirming."
    )


class RequiredTextAnswerSerializer(DepartmentAnswerSerializer):
    text = serializers.CharField(help_text="What needs adjusting, or why you decline.")


class AcknowledgeSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False,
        help_text="Code of the addressed department you acknowledge for; may be left out "
        "when you answer for exactly one.",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What happens next (optional)."
    )


class QuestionSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False, help_text="Code of the addressed department asking."
    )
    question = serializers.CharField()


class ClarificationAnswerSerializer(serializers.Serializer):
    clarification = serializers.IntegerField(min_value=1, max_value=2**62)
    answer = serializers.CharField()
