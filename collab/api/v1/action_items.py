"""Action items set by published minutes (DOMAIN §6), through issues_app's selectors,
permission predicates and services: their owners list theirs and mark them done; anyone
who may see the meeting may read them."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from issues_app import permissions, selectors, services
from issues_app.errors import IssueError
from issues_app.models import ActionItem, ActionState, MeetingState
from requests_app.selectors import visible_requests

from ..base import ApiViewSet
from ..concurrency import make_etag
from ..errors import denied
from ..schema import ETAG, IF_MATCH, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from ..transitions import guarded
from .action_item_serializers import ActionItemFilterSerializer, ActionItemSerializer, DoneBody


def action_item_etag(pk: int) -> str:
    row = (
        ActionItem.objects.filter(pk=pk)
        .values("state", "title", "owner_id", "deadline", "done_at")
        .first()
        or {}
    )
    return make_etag("action", pk, *(row.get(k) for k in sorted(row)))


@extend_schema_view(
    list=extend_schema(
        summary="Your action items from published minutes, soonest deadline first",
        parameters=[ActionItemFilterSerializer],
        responses={200: ActionItemSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read an action item of a meeting you may see",
        parameters=[ETAG],
        responses={200: ActionItemSerializer, **READ_ERRORS},
    ),
)
class ActionItemViewSet(ApiViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ActionItemSerializer

    def get_queryset(self):
        return (
            ActionItem.objects.filter(
                meeting__in=selectors.visible_meetings(self.request.user).values("pk")
            )
            .select_related("meeting", "owner", "problem__request", "request", "done_by")
            .order_by("deadline", "pk")
        )

    def _context(self, items) -> dict:
        """Which linked problems and requests the reader may see: two queries per page."""
        user = self.request.user
        problem_ids = {a.problem_id for a in items if a.problem_id}
        request_ids = {a.request_id for a in items if a.request_id}
        problems = set(
            selectors.visible_problems(user).filter(pk__in=problem_ids).values_list("pk", flat=True)
            if problem_ids
            else ()
        )
        requests = set(
            visible_requests(user).filter(pk__in=request_ids).values_list("pk", flat=True)
            if request_ids
            else ()
        )
        return {
            **self.get_serializer_context(),
            "readable_problems": problems,
            "readable_requests": requests,
        }

    def _item(self, pk) -> ActionItem:
        item = self.get_queryset().filter(pk=int(pk)).first()
        if item is None:
            raise Http404
        return item

    def _detail(self, pk):
        item = self._item(pk)
        data = ActionItemSerializer(item, context=self._context([item])).data
        return Response(data, headers={"ETag": action_item_etag(item.pk)})

    def list(self, request):
        filters = ActionItemFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = self.get_queryset().filter(owner=request.user, meeting__state=MeetingState.PUBLISHED)
        if filters.validated_data.get("state"):
            qs = qs.filter(state=filters.validated_data["state"])
        page = list(self.paginate_queryset(qs))
        data = ActionItemSerializer(page, many=True, context=self._context(page)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @extend_schema(
        summary="Mark your action item done",
        request=DoneBody,
        parameters=[IF_MATCH, ETAG],
        responses={200: ActionItemSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        user = request.user
        item = self._item(pk)
        if item.owner_id != user.pk:
            raise denied()

        def stale(locked):
            if locked.state == ActionState.OPEN:
                return gettext("The minutes are not published yet.")
            return gettext("This action item is already “%(state)s”.") % {
                "state": locked.get_state_display()
            }

        def run(locked):
            body = DoneBody(data=request.data)
            body.is_valid(raise_exception=True)
            services.complete_action(action=locked, by=user, note=body.validated_data["note"])

        guarded(
            request,
            model=ActionItem,
            pk=item.pk,
            etag=action_item_etag,
            allowed=lambda locked: permissions.can_complete_action(user, locked),
            stale=stale,
            run=run,
            error_class=IssueError,
        )
        return self._detail(item.pk)
