"""Your own in-app notifications: list (all or unread), read one, mark as read.
Marking as read is idempotent, so it needs no If-Match."""

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from collab.notify import selectors, services
from collab.notify.models import Notification

from ..base import ApiViewSet
from ..schema import LIST_ERRORS, READ_ERRORS


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "subject", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


UNREAD = OpenApiParameter(
    "unread", bool, description="Only the notifications not read yet.", required=False
)


@extend_schema_view(
    list=extend_schema(
        summary="Your notifications, newest first",
        parameters=[UNREAD],
        responses={200: NotificationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Read one notification", responses={200: NotificationSerializer, **READ_ERRORS}
    ),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        qs = selectors.notifications_for(self.request.user)
        if self.action == "list" and self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        summary="Mark one notification as read",
        request=None,
        responses={200: NotificationSerializer, **READ_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        try:
            notification = services.mark_read(user=request.user, notification_id=int(pk))
        except services.NotifyError:
            raise Http404 from None
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications as read",
        request=None,
        responses={
            200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
            **READ_ERRORS,
        },
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})
