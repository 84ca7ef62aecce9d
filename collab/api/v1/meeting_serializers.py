"""Representations of meetings and their minutes, and the bodies their actions take.

A meeting's agenda or action item may be about a problem or request the reader may not
see; it is then shown without its title, as on the meeting page (meeting_links). The
views put the ids the reader may see into the serializer context (`readable_problems`,
`readable_requests`). Action items have their own module, action_item_serializers."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from issues_app import permissions
from issues_app.actions import meetings
from issues_app.models import (
    AgendaItem,
    Meeting,
    MeetingAttendee,
    MeetingEvent,
    MeetingKind,
    MilestoneStage,
)

from ..actions import ActionsField
from .action_item_serializers import ActionItemFilterSerializer as ActionItemFilterSerializer
from .action_item_serializers import ActionItemSerializer
from .action_item_serializers import DoneBody as DoneBody
from .action_item_serializers import MeetingRefSerializer as MeetingRefSerializer
from .common import ProvisionalFlag, UserRefSerializer
from .meeting_links import LinkedItem, LinkSerializer, request_link

PEOPLE = get_user_model().objects.filter(is_active=True, department__isnull=False)


# --- reading -------------------------------------------------------------------------


class MeetingListSerializer(serializers.ModelSerializer):
    # A plain string here: an enum shared by several components needs a settings entry.
    kind = serializers.CharField(
        read_only=True, help_text="weekly, milestone, coordination or special."
    )
    chair = UserRefSerializer(read_only=True)
    request_number = serializers.CharField(
        source="request.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The number of the request a milestone meeting is about.",
    )
    agenda_count = serializers.IntegerField(read_only=True)
    attendee_count = serializers.IntegerField(read_only=True)
    minutes_overdue = serializers.BooleanField(read_only=True)
    minutes_due_provisional = ProvisionalFlag("minutes_due")
    needs_sign_off = serializers.BooleanField(
        read_only=True, help_text="A milestone meeting's resolution is signed by the group leader."
    )
    web_url = serializers.SerializerMethodField(help_text="The meeting's page in the browser.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "milestone_stage",
            "state",
            "starts_at",
            "ends_at",
            "place",
            "chair",
            "request_number",
            "agenda_count",
            "attendee_count",
            "minutes_due",
            "minutes_due_provisional",
            "minutes_overdue",
            "published_at",
            "needs_sign_off",
            "signed_off_at",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, meeting) -> str:
        return reverse("issues:meeting", args=[meeting.pk])


class AttendeeSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    present = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Null until the minutes record attendance."
    )

    class Meta:
        model = MeetingAttendee
        fields = ["user", "present"]
        read_only_fields = fields


class AgendaItemSerializer(LinkedItem, serializers.ModelSerializer):
    topic = serializers.SerializerMethodField(help_text="What is discussed, as the reader sees it.")
    problem = serializers.SerializerMethodField()
    request = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "topic", "problem", "request", "proposed", "decision"]
        read_only_fields = fields

    def get_topic(self, item) -> str:
        problems, requests = self._readable()
        if item.problem_id:
            if item.problem_id in problems:
                return f"{item.problem.number} {item.problem.title}"
            return gettext("(a problem you may not see)")
        if item.request_id:
            if item.request_id in requests:
                return f"{item.request.number} {item.request.title}"
            return gettext("(a request you may not see)")
        return item.title


class MeetingEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="In the request's language.")
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MeetingEvent
        fields = ["verb", "label", "actor", "at", "comment", "data"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingListSerializer):
    request = serializers.SerializerMethodField()
    attendees = AttendeeSerializer(many=True, read_only=True)
    agenda = AgendaItemSerializer(many=True, read_only=True)
    action_items = serializers.SerializerMethodField()
    published_by = UserRefSerializer(read_only=True, allow_null=True)
    signed_off_by = UserRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True)
    timeline = MeetingEventSerializer(source="events", many=True, read_only=True)
    actions = ActionsField(
        meetings,
        extra={
            "agenda": permissions.can_edit_meeting,
            "minutes": permissions.can_edit_meeting,
        },
        help_text="What you may do with the meeting now.",
    )

    class Meta(MeetingListSerializer.Meta):
        fields = [
            *MeetingListSerializer.Meta.fields,
            "request",
            "series",
            "summary",
            "minutes_saved_at",
            "attendees",
            "agenda",
            "action_items",
            "published_by",
            "signed_off_by",
            "created_by",
            "created_at",
            "timeline",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(LinkSerializer(allow_null=True))
    def get_request(self, meeting):
        readable = self.context.get("readable_requests", set())
        return request_link(meeting.request, readable) if meeting.request_id else None

    @extend_schema_field(ActionItemSerializer(many=True))
    def get_action_items(self, meeting):
        return ActionItemSerializer(meeting.actions.all(), many=True, context=self.context).data


# --- filtering -----------------------------------------------------------------------


class MeetingFilterSerializer(serializers.Serializer):
    view = serializers.ChoiceField(
        choices=[
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
            ("minutes_due", _("Minutes due")),
        ],
        default="upcoming",
        help_text="upcoming: scheduled, not over yet, soonest first; past: over or "
        "published, latest first; minutes_due: over, minutes not published yet.",
    )


# --- writing -------------------------------------------------------------------------


class MeetingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(
        min_value=15, max_value=480, default=90, help_text="The weekly meeting: at most 90."
    )
    place = serializers.CharField(max_length=200)
    chair = serializers.SlugRelatedField(
        slug_field="username", queryset=PEOPLE, help_text="User name."
    )
    attendees = serializers.SlugRelatedField(
        slug_field="username",
        queryset=PEOPLE,
        many=True,
        allow_empty=False,
        help_text="User names.",
    )
    request = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        help_text="Id of a running request; required for a milestone meeting.",
    )
    milestone_stage = serializers.ChoiceField(
        choices=MilestoneStage.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for a milestone meeting.",
    )
    problems = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        default=list,
        max_length=100,
        help_text="Ids of open problems to put on the agenda. The weekly meeting also gets "
        "the open important and major problems and the late requests.",
    )
    repeat_weekly = serializers.BooleanField(
        required=False, default=False, help_text="Only the weekly meeting repeats."
    )

    def validate(self, data):
        errors = {}
        if data["kind"] == MeetingKind.MILESTONE:
            if not data.get("request"):
                errors["request"] = [_("Choose the request of the milestone meeting.")]
            if not data.get("milestone_stage"):
                errors["milestone_stage"] = [_("Choose the milestone.")]
        if data.get("repeat_weekly") and data["kind"] != MeetingKind.WEEKLY:
            errors["repeat_weekly"] = [_("Only the weekly meeting repeats.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class AgendaBody(serializers.Serializer):
    problem = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, help_text="Problem id."
    )
    request = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, help_text="Request id."
    )
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Another topic."
    )

    def validate(self, data):
        chosen = [k for k in ("problem", "request", "title") if data.get(k)]
        if len(chosen) != 1:
            raise serializers.ValidationError(
                _("Choose one problem, one request or write one topic.")
            )
        return data


class DecisionInput(serializers.Serializer):
    agenda_item = serializers.IntegerField(min_value=1, max_value=2**62)
    decision = serializers.CharField(max_length=5000, allow_blank=True)


class ActionItemInput(serializers.Serializer):
    id = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        help_text="An open action item of this meeting to change; left out for a new one.",
    )
    title = serializers.CharField(max_length=300, required=False)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=PEOPLE, required=False, help_text="User name."
    )
    deadline = serializers.DateField(required=False)
    problem = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, help_text="Problem id."
    )
    request = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, help_text="Request id."
    )
    remove = serializers.BooleanField(
        required=False, default=False, help_text="Cancel this action item (it is kept)."
    )


class MinutesBody(serializers.Serializer):
    """The minutes draft. Everything is optional: what is left out stays as saved."""

    summary = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        help_text="What each department reported: done, problems, next week.",
    )
    present = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        max_length=500,
        help_text="User names of the attendees present; every other attendee is recorded "
        "absent. Left out: those recorded present before.",
    )
    decisions = DecisionInput(many=True, required=False, max_length=200)
    action_items = ActionItemInput(
        many=True,
        required=False,
        max_length=100,
        help_text="New action items and changes to open ones; those not listed stay as they are.",
    )
