"""Tasks: list, read, break a request down, edit, and the task's transitions as POST
actions, through tasks_app's selectors, permission predicates and services."""

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from requests_app.models import RequestDepartment
from requests_app.selectors import visible_requests
from tasks_app import permissions, selectors, services
from tasks_app.errors import TaskError
from tasks_app.models import DepartmentRating, Task, TaskEvent

from ..base import ApiViewSet
from ..concurrency import make_etag, not_modified
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
from ..transitions import guarded
from .task_serializers import (
    CancelBody,
    CommentBody,
    DeliverBody,
    ProgressBody,
    RejectBody,
    TaskCreateSerializer,
    TaskDetailSerializer,
    TaskFilterSerializer,
    TaskListSerializer,
    TaskUpdateSerializer,
)


def task_etag(pk: int) -> str:
    row = Task.objects.filter(pk=pk).values("updated_at").first()
    last = TaskEvent.objects.filter(task_id=pk).aggregate(last=Max("pk"))["last"]
    return make_etag("task", pk, row["updated_at"].isoformat() if row else "", last)


_doc = transition_doc_for(TaskDetailSerializer)


def _plan(data) -> dict:
    return {
        "name": data["name"],
        "owner": data["owner"],
        "collaborators": list(data.get("collaborators", [])),
        "priority": data["priority"],
        "planned_start": data["planned_start"],
        "planned_finish": data["planned_finish"],
        "deliverable_standard": data["deliverable_standard"],
    }


@extend_schema_view(
    list=extend_schema(
        summary="List the tasks you may see, soonest due first",
        parameters=[TaskFilterSerializer],
        responses={200: TaskListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read a task with its progress log, deliveries and timeline",
        parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: TaskDetailSerializer,
            304: OpenApiResponse(description="Not modified since the ETag sent."),
            **READ_ERRORS,
        },
    ),
    create=extend_schema(
        summary="Break a confirmed request down: add a task (head of the department)",
        request=TaskCreateSerializer,
        parameters=[ETAG],
        responses={201: TaskDetailSerializer, **CREATE_ERRORS, **{409: WRITE_ERRORS[409]}},
    ),
    partial_update=extend_schema(
        summary="Change a task before delivery (head of the department)",
        request=TaskUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={200: TaskDetailSerializer, **WRITE_ERRORS},
    ),
)
class TaskViewSet(ApiViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = TaskDetailSerializer

    def get_queryset(self):
        return selectors.visible_tasks(self.request.user)

    def _for_page(self, pk) -> Task:
        task = selectors.task_for_page(self.request.user, int(pk))
        if task is None:
            raise Http404
        return task

    def _for_action(self, pk) -> Task:
        task = selectors.task_for_action(self.request.user, int(pk))
        if task is None:
            raise Http404
        return task

    def _detail(self, pk, *, status_code=status.HTTP_200_OK):
        data = TaskDetailSerializer(self._for_page(pk), context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": task_etag(int(pk))})

    def _transition(self, *, role, allowed, body, run):
        """`run(task, data)` calls the service on the locked task."""
        user = self.request.user
        task = self._for_action(self.kwargs["pk"])
        if not role(user, task):
            raise denied()

        def validated_run(locked):
            data = {}
            if body is not None:
                serializer = body(data=self.request.data)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
            run(locked, data)

        guarded(
            self.request,
            model=Task,
            pk=task.pk,
            etag=task_etag,
            allowed=lambda locked: allowed(user, locked),
            stale=services.stale_error,
            run=validated_run,
            error_class=TaskError,
        )
        return self._detail(task.pk)

    # --- reading ------------------------------------------------------------------

    def list(self, request):
        filters = TaskFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = dict(filters.validated_data)
        scope = criteria.pop("scope")
        qs = selectors.task_list(request.user, scope=scope, filters=criteria)
        page = self.paginate_queryset(qs)
        data = TaskListSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        task = self._for_page(pk)
        etag = task_etag(task.pk)
        if not_modified(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        data = TaskDetailSerializer(task, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag})

    # --- breaking down and editing -----------------------------------------------

    def create(self, request):
        body = TaskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        obj = visible_requests(request.user).filter(pk=data["request"]).first()
        rd = (
            RequestDepartment.objects.select_related("department")
            .filter(request=obj, department__code=data["department"].upper())
            .first()
            if obj
            else None
        )
        if obj is None:
            raise ValidationError({"request": [gettext("No such request.")]})
        if rd is None:
            raise ValidationError(
                {"department": [gettext("This department is not addressed by the request.")]}
            )
        if not permissions.is_department_head(request.user, rd.department_id):
            raise denied()
        rated = DepartmentRating.objects.filter(request=obj, department=rd.department).exists()
        if not permissions.can_break_down(request.user, obj, rd, rated=rated):
            raise InvalidTransition(
                gettext(
                    "Tasks can be added only while the request is in progress and "
                    "%(department)s has confirmed it and is not yet rated."
                )
                % {"department": rd.department.code},
                current_state=obj.state,
            )
        try:
            task = services.create_task(
                request=obj, department=rd.department, by=request.user, **_plan(data)
            )
        except TaskError as error:
            if error.field:
                raise
            obj.refresh_from_db()
            raise InvalidTransition(str(error), current_state=obj.state) from None
        return self._detail(task.pk, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        def run(task, _data):
            current = {
                "name": task.name,
                "owner": task.owner,
                "collaborators": list(task.collaborators.all()),
                "priority": task.priority,
                "planned_start": task.planned_start,
                "planned_finish": task.planned_finish,
                "deliverable_standard": task.deliverable_standard,
            }
            body = TaskUpdateSerializer(data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            merged = {**current, **body.validated_data}
            services.update_task(
                task=task, by=request.user, comment=merged.pop("comment", ""), **_plan(merged)
            )

        return self._transition(
            role=permissions.is_task_head, allowed=permissions.can_edit, body=None, run=run
        )

    # --- transitions --------------------------------------------------------------

    @_doc("Start the task (owner)", CommentBody)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._transition(
            role=permissions.is_owner,
            allowed=permissions.can_start,
            body=CommentBody,
            run=lambda t, d: services.start_task(task=t, by=request.user),
        )

    @_doc("Resume work after a rejection (owner)", CommentBody)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._transition(
            role=permissions.is_owner,
            allowed=permissions.can_resume,
            body=CommentBody,
            run=lambda t, d: services.resume_task(task=t, by=request.user, **d),
        )

    @_doc("Post today's progress (owner or collaborator)", ProgressBody)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._transition(
            role=permissions.may_post_progress,
            allowed=permissions.can_post_progress,
            body=ProgressBody,
            run=lambda t, d: services.post_progress(
                task=t, by=request.user, text=d["text"], percent=d.get("percent")
            ),
        )

    @_doc("Deliver (owner)", DeliverBody)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self._transition(
            role=permissions.is_owner,
            allowed=permissions.can_deliver,
            body=DeliverBody,
            run=lambda t, d: services.deliver_task(
                task=t, by=request.user, note=d["note"], links=d["links"]
            ),
        )

    @_doc("Accept the delivery (requester or requesting head)", CommentBody)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._transition(
            role=lambda user, t: permissions.is_requester_side(user, t.request),
            allowed=permissions.can_decide,
            body=CommentBody,
            run=lambda t, d: services.accept_task(task=t, by=request.user, **d),
        )

    @_doc("Reject the delivery with required changes and a new deadline", RejectBody)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(
            role=lambda user, t: permissions.is_requester_side(user, t.request),
            allowed=permissions.can_decide,
            body=RejectBody,
            run=lambda t, d: services.reject_task(task=t, by=request.user, **d),
        )

    @_doc("Cancel the task (head of the department, before delivery)", CancelBody)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(
            role=permissions.is_task_head,
            allowed=permissions.can_cancel,
            body=CancelBody,
            run=lambda t, d: services.cancel_task(task=t, by=request.user, **d),
        )
