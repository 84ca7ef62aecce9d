"""Departments (read only): codes, names and who holds the roles."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from collab.org.models import Department

from ..base import ApiViewSet
from ..schema import LIST_ERRORS, READ_ERRORS
from .common import UserRefSerializer


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    head = UserRefSerializer(read_only=True, allow_null=True)
    liaison = UserRefSerializer(read_only=True, allow_null=True)
    leader = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "code",
            "name",
            "name_zh",
            "name_en",
            "is_active",
            "head",
            "liaison",
            "leader",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List departments", responses={200: DepartmentSerializer(many=True), **LIST_ERRORS}
    ),
    retrieve=extend_schema(
        summary="Read a department", responses={200: DepartmentSerializer, **READ_ERRORS}
    ),
)
class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Every signed-in person sees the organisation: the request form needs it."""

    serializer_class = DepartmentSerializer
    queryset = Department.objects.select_related("head", "liaison", "leader").order_by("code")
