"""Collaboration requests: list, read, file, edit a draft, and every transition as a
POST action. The same selectors, permission predicates and services as the browser:
what a person may not see is 404, what they see but may not do is 403, and an action
the state no longer allows is 409 with the current state."""

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from requests_app import permissions, selectors, services
from requests_app.actions import workflow
from requests_app.errors import RequestError
from requests_app.models import Answer, Request, RequestEvent, State
from tasks_app import permissions as task_permissions
from tasks_app import selectors as task_selectors
from tasks_app import services as task_services
from tasks_app.errors import TaskError

from ..actions import with_actions
from ..base import ApiViewSet
from ..concurrency import check_if_match, make_etag, not_modified
from ..errors import InvalidTransition, denied
from ..schema import (
    CREATE_ERRORS,
    ETAG,
    IF_MATCH,
    IF_NONE_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    transition_doc_for,
)
from .request_serializers import (
    AcknowledgeSerializer,
    ClarificationAnswerSerializer,
    DepartmentAnswerSerializer,
    QuestionSerializer,
    RequestDetailSerializer,
    RequestFilterSerializer,
    RequestListSerializer,
    RequestWriteSerializer,
    RequiredTextAnswerSerializer,
)
from .task_serializers import RatingBody


def request_etag(pk: int) -> str:
    """The version of everything the detail shows: the row itself and, through the
    timeline every service writes, its departments, questions and attachments."""
    row = Request.objects.filter(pk=pk).values("updated_at").first()
    last_event = RequestEvent.objects.filter(request_id=pk).aggregate(last=Max("pk"))["last"]
    return make_etag("request", pk, row["updated_at"].isoformat() if row else "", last_event)


_transition_doc = transition_doc_for(RequestDetailSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="List and search the requests you may see",
        parameters=[RequestFilterSerializer],
        responses={200: RequestListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read a request",
        parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: RequestDetailSerializer,
            304: OpenApiResponse(description="Not modified since the ETag sent."),
            **READ_ERRORS,
        },
    ),
    create=extend_schema(
        summary="File a new request (saved as a draft)",
        request=RequestWriteSerializer,
        parameters=[ETAG],
        responses={201: RequestDetailSerializer, **CREATE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Edit a draft or returned request (requester only)",
        request=RequestWriteSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: RequestDetailSerializer, **WRITE_ERRORS},
    ),
)
@with_actions(workflow, detail_serializer=RequestDetailSerializer)
class RequestViewSet(ApiViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = RequestDetailSerializer

    def get_queryset(self):
        return selectors.visible_requests(self.request.user)

    # --- helpers ------------------------------------------------------------------

    def _visible(self, pk) -> Request:
        obj = selectors.request_for_page(self.request.user, int(pk))
        if obj is None:
            raise Http404
        return obj

    object_etag = staticmethod(request_etag)

    def detail_response(self, pk, *, status_code=status.HTTP_200_OK, headers=None):
        obj = self._visible(pk)
        data = RequestDetailSerializer(obj, context=self.get_serializer_context()).data
        headers = {**(headers or {}), "ETag": request_etag(obj.pk)}
        return Response(data, status=status_code, headers=headers)

    def _run(self, obj, *, allowed, run, body=None):
        """Lock the row, check If-Match and the state, validate the body, run the
        service. A refusal that is not about a field means the state moved on."""
        user = self.request.user
        with transaction.atomic():
            Request.objects.select_for_update().filter(pk=obj.pk).values("pk").first()
            check_if_match(self.request, request_etag(obj.pk))
            obj.refresh_from_db()
            if not allowed(user, obj):
                raise InvalidTransition(str(services.stale_error(obj)), current_state=obj.state)
            data = {}
            if body is not None:
                serializer = body(data=self.request.data, context=self.get_serializer_context())
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
            try:
                run(obj, data)
            except RequestError as error:
                if error.field:
                    raise
                obj.refresh_from_db()
                raise InvalidTransition(str(error), current_state=obj.state) from None
        return self.detail_response(obj.pk)

    # --- reading ------------------------------------------------------------------

    def list(self, request):
        filters = RequestFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = dict(filters.validated_data)
        ordering = criteria.pop("ordering", "-created_at")
        qs = selectors.request_list(request.user, filters=criteria).order_by(
            ordering, "-pk" if ordering.startswith("-") else "pk"
        )
        page = self.paginate_queryset(qs)
        data = RequestListSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        obj = self._visible(pk)
        etag = request_etag(obj.pk)
        if not_modified(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        data = RequestDetailSerializer(obj, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag})

    # --- filing and editing -------------------------------------------------------

    def create(self, request):
        if request.user.department_id is None:
            raise PermissionDenied(gettext("You need to belong to a department to file a request."))
        serializer = RequestWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = services.create_request(by=request.user, **serializer.service_arguments())
        return self.detail_response(
            obj.pk,
            status_code=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{obj.pk}/")},
        )

    def partial_update(self, request, pk=None):
        obj = self._visible(pk)
        if not permissions.is_requester(request.user, obj):
            raise denied()

        def run(current, _data):
            serializer = RequestWriteSerializer(current, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            services.update_request(
                request=current, by=request.user, **serializer.service_arguments(current)
            )

        return self._run(obj, allowed=permissions.can_edit, run=run)

    # --- transitions --------------------------------------------------------------

    # --- the addressed departments answer ----------------------------------------

    def _addressed(self, obj, code):
        """The addressed department the person answers for: named by code, or the
        only one they may answer for."""
        user = self.request.user
        rds = list(obj.departments.all())
        if code:
            rd = next((rd for rd in rds if rd.department.code == str(code).upper()), None)
            if rd is None:
                raise ValidationError(
                    {"department": [gettext("This department is not addressed by the request.")]}
                )
            if not permissions.may_answer_for(user, rd):
                raise denied()
            return rd
        mine = [rd for rd in rds if permissions.may_answer_for(user, rd)]
        if not mine:
            raise denied()
        if len(mine) > 1:
            raise ValidationError({"department": [gettext("Name the department you answer for.")]})
        return mine[0]

    def _answer(self, answer, body):
        obj = self._visible(self.kwargs["pk"])
        code = self.request.data.get("department") if isinstance(self.request.data, dict) else None
        rd = self._addressed(obj, code)

        def run(current, data):
            services.answer_department(
                request_department=rd, by=self.request.user, answer=answer, text=data["text"]
            )

        return self._run(obj, allowed=self._can_answer(rd), body=body, run=run)

    @staticmethod
    def _can_answer(rd):
        def allowed(user, obj):
            rd.refresh_from_db()  # the answer may have been given since it was read
            return permissions.can_answer(user, obj, rd)

        return allowed

    @_transition_doc("Confirm: the department can undertake it", DepartmentAnswerSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._answer(Answer.CONFIRMED, DepartmentAnswerSerializer)

    @_transition_doc(
        "Ask for an adjustment (returns the request to the requester)",
        RequiredTextAnswerSerializer,
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request, pk=None):
        return self._answer(Answer.ADJUSTMENT, RequiredTextAnswerSerializer)

    @_transition_doc("Decline (returns the request to the requester)", RequiredTextAnswerSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._answer(Answer.DECLINED, RequiredTextAnswerSerializer)

    @_transition_doc(
        "Acknowledge receipt for an addressed department (liaison, contact person or head; "
        "within 1 working day)",
        AcknowledgeSerializer,
        "Any answer or question also counts as the acknowledgement.",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        obj = self._visible(pk)
        code = request.data.get("department") if isinstance(request.data, dict) else None
        rd = self._addressed(obj, code)

        def allowed(user, current):
            rd.refresh_from_db()
            already = services.acknowledged_error(rd)
            if already is not None and current.state == State.AWAITING_CONFIRMATION:
                raise InvalidTransition(str(already), current_state=current.state)
            return permissions.can_acknowledge(user, current, rd)

        return self._run(
            obj,
            allowed=allowed,
            body=AcknowledgeSerializer,
            run=lambda o, d: services.acknowledge_receipt(
                request_department=rd, by=request.user, comment=d["comment"]
            ),
        )

    @_transition_doc("Ask the requester a question (24 h to answer)", QuestionSerializer)
    @action(detail=True, methods=["post"])
    def ask(self, request, pk=None):
        obj = self._visible(pk)
        code = request.data.get("department") if isinstance(request.data, dict) else None
        rd = self._addressed(obj, code)
        return self._run(
            obj,
            allowed=self._can_answer(rd),
            body=QuestionSerializer,
            run=lambda o, d: services.ask_clarification(
                request_department=rd, by=request.user, question=d["question"]
            ),
        )

    @_transition_doc(
        "Answer a question from a department (requester)", ClarificationAnswerSerializer
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        obj = self._visible(pk)
        if not permissions.is_requester(request.user, obj):
            raise denied()
        body = ClarificationAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        clarification = next(
            (c for c in obj.clarifications.all() if c.pk == body.validated_data["clarification"]),
            None,
        )
        if clarification is None:
            raise ValidationError({"clarification": [gettext("No such question on this request.")]})
        return self._run(
            obj,
            allowed=lambda user, o: permissions.can_reply_clarification(user, o, clarification),
            run=lambda o, d: services.answer_clarification(
                clarification=clarification,
                by=request.user,
                answer=body.validated_data["answer"],
            ),
        )

    # --- rating the departments once their tasks are accepted --------------------

    @_transition_doc(
        "Rate an addressed department whose tasks are all accepted (requester side)",
        RatingBody,
        "The last rating completes the request.",
    )
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        obj = self._visible(pk)
        code = request.data.get("department") if isinstance(request.data, dict) else None
        rd = next(
            (rd for rd in obj.departments.all() if rd.department.code == str(code or "").upper()),
            None,
        )
        if rd is None:
            raise ValidationError(
                {"department": [gettext("This department is not addressed by the request.")]}
            )
        if not task_permissions.is_requester_side(request.user, obj):
            raise denied()

        def ready(user, current):
            return (
                task_selectors.departments_to_rate(user)
                .filter(request=current, department_id=rd.department_id)
                .exists()
            )

        def run(current, data):
            data = dict(data)
            data.pop("department")
            task_services.rate_department(
                request=current, department=rd.department, by=request.user, **data
            )

        try:
            return self._run(obj, allowed=ready, body=RatingBody, run=run)
        except TaskError as error:
            if error.field:
                raise
            obj.refresh_from_db()
            raise InvalidTransition(str(error), current_state=obj.state) from None
