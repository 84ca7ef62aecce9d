"""Problem reports (跨部门协作问题反馈单): list, read, report, and every step of their
handling as a POST action, through issues_app's selectors, permission predicates and
services — the same ones the problem pages use. A problem is visible exactly when its
request is (confidential ones included): anyone else gets 404."""

from django.db.models import F, Max
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from collab.org.models import Department
from issues_app import permissions, selectors, services
from issues_app.actions import problems as workflow
from issues_app.errors import IssueError
from issues_app.models import EntryKind, Problem, ProblemEvent
from requests_app.selectors import visible_requests
from tasks_app.models import Task

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
    transition_doc_for,
)
from ..transitions import guarded
from .problem_serializers import (
    EntryBody,
    ProblemCreateSerializer,
    ProblemDetailSerializer,
    ProblemFilterSerializer,
    ProblemListSerializer,
    RespondBody,
)

ORDER_BY = {
    "-reported_at": ("-reported_at", "-pk"),
    "reported_at": ("reported_at", "pk"),
    "due_at": (F("due_at").asc(nulls_last=True), "pk"),
    "-due_at": (F("due_at").desc(nulls_last=True), "-pk"),
    "response_due": ("response_due", "pk"),
    "-response_due": ("-response_due", "-pk"),
    "updated_at": ("updated_at", "pk"),
    "-updated_at": ("-updated_at", "-pk"),
}

# The services name the text a person gives by the browser form's field; the API's
# bodies call a required reason `reason`.
API_FIELD = {"comment": "reason"}


def problem_etag(pk: int) -> str:
    """The version of what the detail shows: the row and, through the timeline every
    service writes, its responses, entries and attachments."""
    row = Problem.objects.filter(pk=pk).values("updated_at").first()
    last = ProblemEvent.objects.filter(problem_id=pk).aggregate(last=Max("pk"))["last"]
    return make_etag("problem", pk, row["updated_at"].isoformat() if row else "", last)


_doc = transition_doc_for(ProblemDetailSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="List and search the problems you may see",
        parameters=[ProblemFilterSerializer],
        responses={200: ProblemListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read a problem with its responses, decisions, meetings and timeline",
        parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: ProblemDetailSerializer,
            304: OpenApiResponse(description="Not modified since the ETag sent."),
            **READ_ERRORS,
        },
    ),
    create=extend_schema(
        summary="Report a problem on a running request (optionally on one of its tasks)",
        description="It goes to the executive secretary for grading and to the departments "
        "concerned, who respond within 2 working days. Attachments are added on the "
        "problem's page.",
        request=ProblemCreateSerializer,
        parameters=[ETAG],
        responses={201: ProblemDetailSerializer, **CREATE_ERRORS, 409: WRITE_ERRORS[409]},
    ),
)
@with_actions(workflow, detail_serializer=ProblemDetailSerializer)
class ProblemViewSet(ApiViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ProblemDetailSerializer
    api_field_names = API_FIELD
    object_etag = staticmethod(problem_etag)

    def get_queryset(self):
        return selectors.visible_problems(self.request.user)

    def _for_page(self, pk) -> Problem:
        problem = selectors.problem_for_page(self.request.user, int(pk))
        if problem is None:
            raise Http404
        return problem

    def detail_response(self, pk, *, status_code=status.HTTP_200_OK, headers=None):
        problem = self._for_page(pk)
        data = ProblemDetailSerializer(problem, context=self.get_serializer_context()).data
        headers = {**(headers or {}), "ETag": problem_etag(problem.pk)}
        return Response(data, status=status_code, headers=headers)

    def _transition(self, *, role, allowed, body, run, problem=None):
        """visible (404) → role (403) → If-Match (428/412) → state (409) → body (400) →
        `run(locked_problem, data)`, which calls the service."""
        user = self.request.user
        problem = problem or self._for_page(self.kwargs["pk"])
        if not role(user, problem):
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
                if error.field in API_FIELD:
                    raise IssueError(error.message, field=API_FIELD[error.field]) from None
                raise

        guarded(
            self.request,
            model=Problem,
            pk=problem.pk,
            etag=problem_etag,
            allowed=lambda locked: allowed(user, locked),
            stale=services.stale_error,
            run=validated_run,
            error_class=IssueError,
        )
        return self.detail_response(problem.pk)

    # --- reading ------------------------------------------------------------------

    def list(self, request):
        filters = ProblemFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = {k: v for k, v in filters.validated_data.items() if v not in (None, "", False)}
        ordering = criteria.pop("ordering", "-reported_at")
        qs = (
            selectors.problem_list(request.user, filters=criteria)
            .select_related("task")
            .order_by(*ORDER_BY[ordering])
        )
        page = self.paginate_queryset(qs)
        data = ProblemListSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        problem = self._for_page(pk)
        etag = problem_etag(problem.pk)
        if not_modified(request, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        data = ProblemDetailSerializer(problem, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag})

    def perform_content_negotiation(self, request, force=False):
        # A client asking for a file's own type gets the file, and any error as JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action == "attachment"
        )

    @extend_schema(
        summary="Download one of the problem's attachments",
        parameters=[
            OpenApiParameter("attachment_pk", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **READ_ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]{1,18})",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        problem = self._for_page(pk)
        found = next((a for a in problem.attachments.all() if a.pk == int(attachment_pk)), None)
        if found is None:
            raise Http404
        try:
            handle = found.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=found.original_name,
            content_type=found.content_type or "application/octet-stream",
        )

    # --- reporting ----------------------------------------------------------------

    def create(self, request):
        body = ProblemCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        obj = (
            visible_requests(request.user)
            .select_related("requesting_department")
            .filter(pk=data["request"])
            .first()
        )
        if obj is None:
            raise ValidationError({"request": [gettext("No such request.")]})
        task = None
        if data.get("task"):
            task = Task.objects.filter(pk=data["task"], request=obj).first()
            if task is None:
                raise ValidationError(
                    {"task": [gettext("The task does not belong to this request.")]}
                )
        if not permissions.can_report(request.user, obj):
            raise InvalidTransition(
                gettext(
                    "Problems can be reported while a request awaits confirmation or is in "
                    "progress."
                ),
                current_state=obj.state,
            )
        departments = data.get("departments")
        if not departments:
            # What the report form offers ticked: the task's department, else every
            # department the request addresses.
            ids = (
                [task.department_id] if task else [rd.department_id for rd in obj.departments.all()]
            )
            departments = list(Department.objects.filter(pk__in=ids).order_by("code"))
        try:
            problem = services.report_problem(
                by=request.user,
                request=obj,
                task=task,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                impact=data["impact"],
                departments=departments,
            )
        except IssueError as error:
            if error.field:
                raise
            obj.refresh_from_db()
            raise InvalidTransition(str(error), current_state=obj.state) from None
        return self.detail_response(
            problem.pk,
            status_code=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(f"{problem.pk}/")},
        )

    # --- the departments concerned respond; proposals and decisions ----------------
    # (grading, resolving, escalating and the other steps are declared in
    # issues_app/actions.py and added by `with_actions`)

    def _responding(self, problem):
        """The department row the person responds for: named by code, or the only one
        they may respond for."""
        user = self.request.user
        code = self.request.data.get("department") if isinstance(self.request.data, dict) else None
        rows = list(problem.departments.all())
        if code:
            pd = next((pd for pd in rows if pd.department.code == str(code).upper()), None)
            if pd is None:
                raise ValidationError(
                    {"department": [gettext("This department is not concerned by the problem.")]}
                )
            if not permissions.may_answer_for(user, pd):
                raise denied()
            return pd
        mine = [pd for pd in rows if permissions.may_answer_for(user, pd)]
        if not mine:
            raise denied()
        if len(mine) > 1:
            raise ValidationError({"department": [gettext("Name the department you respond for.")]})
        return mine[0]

    @_doc(
        "Respond for a department concerned (its head or liaison)",
        RespondBody,
        "The departments concerned respond within 2 working days of the report.",
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        problem = self._for_page(pk)
        pd = self._responding(problem)

        def allowed(user, locked):
            return permissions.can_respond(user, locked, pd)

        return self._transition(
            problem=problem,
            role=lambda user, p: True,
            allowed=allowed,
            body=RespondBody,
            run=lambda p, d: services.respond(
                problem=p, department=pd.department, by=request.user, text=d["text"]
            ),
        )

    def _entry(self, kind):
        return self._transition(
            role=permissions.can_act_role,
            allowed=permissions.can_add_entry,
            body=EntryBody,
            run=lambda p, d: services.add_entry(
                problem=p, by=self.request.user, kind=kind, text=d["text"]
            ),
        )

    @_doc("Record a proposal (handlers and departments concerned)", EntryBody)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._entry(EntryKind.PROPOSAL)

    @_doc("Record a decision (handlers and departments concerned)", EntryBody)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._entry(EntryKind.DECISION)
