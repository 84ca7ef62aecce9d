"""Meetings and their minutes (会议纪要) through issues_app's selectors, permission
predicates and services — the same ones the meeting pages use. The executive secretary
schedules meetings and keeps the minutes; the group leader signs a milestone meeting's
resolution; an action item's owner marks it done (action_items). Meetings are seen by
the secretary, the group leader and administrators, and otherwise by their chair,
attendees and action-item owners: anyone else gets 404."""

from django.db.models import Max
from django.http import Http404
from django.utils.translation import get_language, gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from archive_app import services as archive_services
from issues_app import permissions, selectors, services
from issues_app.actions import meetings as workflow
from issues_app.errors import IssueError
from issues_app.models import Meeting, MeetingEvent, ProblemState
from requests_app.models import State as RequestState
from requests_app.selectors import visible_requests

from ..actions import with_actions
from ..base import ApiViewSet
from ..concurrency import make_etag, not_modified
from ..errors import InvalidTransition, denied
from ..schema import (
    CREATE_ERRORS,
    ETAG,
    IF_NONE_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    error_response,
    transition_doc_for,
)
from ..transitions import guarded
from .action_items import ActionItemViewSet as ActionItemViewSet
from .documents import DOCUMENT_RESPONSES, document_response
from .meeting_minutes import minutes_arguments
from .meeting_serializers import (
    AgendaBody,
    MeetingCreateSerializer,
    MeetingDetailSerializer,
    MeetingFilterSerializer,
    MeetingListSerializer,
    MinutesBody,
)

# The services name fields as the browser forms do.
API_FIELD = {"duration": "duration_minutes", "actions": "action_items", "comment": "reason"}
RUNNING_REQUEST_STATES = [RequestState.AWAITING_CONFIRMATION, RequestState.IN_PROGRESS]
OPEN_PROBLEM_STATES = [ProblemState.REPORTED, ProblemState.OPEN]


def meeting_etag(pk: int) -> str:
    """Every write to a meeting (agenda, minutes, publishing, sign-off, an action item
    done) is on its timeline, so the last event and the state version it."""
    row = Meeting.objects.filter(pk=pk).values("state").first()
    last = MeetingEvent.objects.filter(meeting_id=pk).aggregate(last=Max("pk"))["last"]
    return make_etag("meeting", pk, row["state"] if row else "", last)


def _api_fields(error: IssueError) -> IssueError:
    if error.field in API_FIELD:
        return IssueError(error.message, field=API_FIELD[error.field])
    return error


def _running_requests(user):
    return visible_requests(user).filter(state__in=RUNNING_REQUEST_STATES)


def _open_problems(user):
    return selectors.visible_problems(user).filter(state__in=OPEN_PROBLEM_STATES)


_doc = transition_doc_for(MeetingDetailSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="List the meetings you may see: upcoming, past, or minutes due",
        parameters=[MeetingFilterSerializer],
        responses={200: MeetingListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read a meeting: agenda, attendees, minutes and action items",
        parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: MeetingDetailSerializer,
            304: OpenApiResponse(description="Not modified since the ETag sent."),
            **READ_ERRORS,
        },
    ),
    create=extend_schema(
        summary="Schedule a meeting (executive secretary)",
        description="Attendees are told. A weekly meeting may repeat every week; its agenda "
        "proposes the open important and major problems and the late requests. A "
        "milestone meeting names its request and milestone.",
        request=MeetingCreateSerializer,
        parameters=[ETAG],
        responses={201: MeetingDetailSerializer, **CREATE_ERRORS, 409: WRITE_ERRORS[409]},
    ),
)
@with_actions(workflow, detail_serializer=MeetingDetailSerializer)
class MeetingViewSet(ApiViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = MeetingDetailSerializer
    api_field_names = API_FIELD
    object_etag = staticmethod(meeting_etag)

    def get_queryset(self):
        return selectors.visible_meetings(self.request.user)

    def _for_page(self, pk) -> Meeting:
        meeting = selectors.meeting_for_page(self.request.user, int(pk))
        if meeting is None:
            raise Http404
        return meeting

    def _data(self, meeting):
        problems, requests = selectors.readable_links(self.request.user, meeting)
        context = {
            **self.get_serializer_context(),
            "readable_problems": problems,
            "readable_requests": requests,
        }
        return MeetingDetailSerializer(meeting, context=context).data

    def detail_response(self, pk, *, status_code=status.HTTP_200_OK, headers=None):
        meeting = self._for_page(pk)
        headers = {**(headers or {}), "ETag": meeting_etag(meeting.pk)}
        return Response(self._data(meeting), status=status_code, headers=headers)

    def _transition(self, *, role, allowed, body, run):
        """visible (404) → role (403) → If-Match (428/412) → state (409) → body (400) →
        `run(locked_meeting, data)`, which calls the service."""
        user = self.request.user
        meeting = self._for_page(self.kwargs["pk"])
        if not role(user, meeting):
            raise denied()

        def validated_run(locked):
            data = {}
            if body is not None:
                serializer = body(data=self.request.data)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
            try:
                run(locked, data)
            except IssueError as error:
                raise _api_fields(error) from None

        guarded(
            self.request,
            model=Meeting,
            pk=meeting.pk,
            etag=meeting_etag,
            allowed=lambda locked: allowed(user, locked),
            stale=services.meeting_stale_error,
            run=validated_run,
            error_class=IssueError,
        )
        return self.detail_response(meeting.pk)

    # --- reading ------------------------------------------------------------------

    def list(self, request):
        filters = MeetingFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.meeting_list(request.user, view=filters.validated_data["view"])
        page = self.paginate_queryset(qs)
        data = MeetingListSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        meeting = self._for_page(pk)
        etag = meeting_etag(meeting.pk)
        if not_modified(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(self._data(meeting), headers={"ETag": etag})

    # --- scheduling ---------------------------------------------------------------

    def create(self, request):
        user = request.user
        if not permissions.can_manage_meetings(user):
            raise denied()
        body = MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        req = None
        if data.get("request"):
            req = _running_requests(user).filter(pk=data["request"]).first()
            if req is None:
                raise ValidationError(
                    {"request": [gettext("Choose a running request you can see.")]}
                )
        ids = list(dict.fromkeys(data["problems"]))
        found = {p.pk: p for p in _open_problems(user).filter(pk__in=ids)}
        if len(found) != len(ids):
            raise ValidationError({"problems": [gettext("Choose open problems you can see.")]})
        try:
            meeting = services.schedule_meeting(
                by=user,
                title=data["title"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                chair=data["chair"],
                attendees=list(data["attendees"]),
                request=req,
                milestone_stage=data["milestone_stage"],
                problems=[found[pk] for pk in ids],
                repeat_weekly=data["repeat_weekly"],
            )
        except IssueError as error:
            raise _api_fields(error) from None
        return self.detail_response(
            meeting.pk,
            status_code=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{meeting.pk}/")},
        )

    @_doc(
        "Add a problem, a request or another topic to the agenda (executive secretary)",
        AgendaBody,
    )
    @action(detail=True, methods=["post"])
    def agenda(self, request, pk=None):
        user = request.user

        def run(meeting, data):
            problem = req = None
            if data.get("problem"):
                problem = _open_problems(user).filter(pk=data["problem"]).first()
                if problem is None:
                    raise ValidationError(
                        {"problem": [gettext("Choose an open problem you can see.")]}
                    )
            if data.get("request"):
                req = _running_requests(user).filter(pk=data["request"]).first()
                if req is None:
                    raise ValidationError(
                        {"request": [gettext("Choose a running request you can see.")]}
                    )
            services.add_agenda_item(
                meeting=meeting, by=user, problem=problem, request=req, title=data["title"]
            )

        return self._transition(
            role=lambda u, m: permissions.can_manage_meetings(u),
            allowed=permissions.can_edit_meeting,
            body=AgendaBody,
            run=run,
        )

    # --- minutes ------------------------------------------------------------------

    @_doc(
        "Save the minutes draft (executive secretary)",
        MinutesBody,
        "Attendance, a decision per agenda item, and action items (owner, deadline, "
        "linked problem or request). Only what is sent changes; the minutes stay a draft "
        "until published.",
    )
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        user = request.user

        def run(meeting, data):
            services.save_minutes(
                meeting=meeting, by=user, **minutes_arguments(user, meeting, data)
            )

        return self._transition(
            role=lambda u, m: permissions.can_manage_meetings(u),
            allowed=permissions.can_edit_meeting,
            body=MinutesBody,
            run=run,
        )

    # Publishing, signing off and cancelling are declared in issues_app/actions.py and
    # added by `with_actions`.

    @extend_schema(
        summary="Ask for the published minutes as PDF",
        description="Rendered in the background in the request's language; linked problems "
        "and requests you may not see appear without their titles.",
        request=None,
        responses={
            **DOCUMENT_RESPONSES,
            **READ_ERRORS,
            409: error_response("The minutes are not published (invalid_transition)."),
        },
    )
    @action(detail=True, methods=["post"])
    def pdf(self, request, pk=None):
        meeting = self._for_page(pk)
        document = archive_services.request_minutes(
            by=request.user, meeting_id=meeting.pk, language=get_language() or "en"
        )
        if document is None:
            raise InvalidTransition(
                gettext("The minutes are not published yet."), current_state=meeting.state
            )
        return document_response(request, document)
