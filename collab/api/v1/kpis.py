"""KPI figures as JSON: the same figures, rules and periods as the KPI dashboard."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from collab.kpi import permissions, selectors
from collab.kpi.forms import PeriodForm

from ..base import ApiViewSet
from ..schema import READ_ERRORS, error_response


class FiguresSerializer(serializers.Serializer):
    requests_filed = serializers.IntegerField()
    requests_received = serializers.IntegerField()
    responses_due = serializers.IntegerField()
    responses_on_time = serializers.IntegerField()
    on_time_response_rate = serializers.FloatField(allow_null=True)
    acknowledgements_due = serializers.IntegerField()
    acknowledgements_on_time = serializers.IntegerField()
    on_time_acknowledgement_rate = serializers.FloatField(allow_null=True)
    tasks_accepted = serializers.IntegerField()
    tasks_on_time = serializers.IntegerField()
    on_time_completion_rate = serializers.FloatField(allow_null=True)
    first_pass_acceptance_rate = serializers.FloatField(allow_null=True)
    rejection_rounds = serializers.IntegerField()
    problems_raised = serializers.DictField(child=serializers.IntegerField())
    problems_resolved = serializers.DictField(child=serializers.IntegerField())
    problems_resolved_on_time = serializers.DictField(child=serializers.IntegerField())
    ratings = serializers.IntegerField()
    average_speed = serializers.FloatField(allow_null=True)
    average_professionalism = serializers.FloatField(allow_null=True)
    average_cooperation = serializers.FloatField(allow_null=True)
    overdue_tasks = serializers.IntegerField()
    overdue_responses = serializers.IntegerField()
    overdue_problems = serializers.IntegerField()


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    last_day = serializers.DateField()


class DepartmentFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    figures = FiguresSerializer()


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    code = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class TrendSerializer(serializers.Serializer):
    period = PeriodSerializer()
    figures = FiguresSerializer()


class KpiSerializer(serializers.Serializer):
    period = PeriodSerializer()
    departments = DepartmentFiguresSerializer(many=True)
    company = FiguresSerializer()
    trend = TrendSerializer(many=True)
    ranking = RankSerializer(many=True)


def _period(p) -> dict:
    return {"kind": p.kind, "label": p.label, "start": p.start, "last_day": p.last_day}


PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, enum=["month", "quarter", "custom"]),
    OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (period=month)."),
    OpenApiParameter("quarter", OpenApiTypes.STR, description="YYYY-Qn (period=quarter)."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (period=custom)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (period=custom)."),
    OpenApiParameter("department", OpenApiTypes.STR, description="Department code."),
]


class KpiViewSet(ApiViewSet):
    pagination_class = None
    serializer_class = KpiSerializer

    @extend_schema(
        summary="Collaboration KPIs of a period",
        description="Division leaders, the group leader, the secretary and administrators "
        "see every department; a department head their own and the company totals.",
        parameters=PARAMETERS,
        responses={
            200: KpiSerializer,
            400: error_response("Invalid period."),
            403: error_response("No KPIs for you."),
            **READ_ERRORS,
        },
    )
    def list(self, request):
        if not permissions.can_see_kpis(request.user):
            raise PermissionDenied()
        departments = permissions.departments_for(request.user)
        form = PeriodForm(request.query_params, departments=departments)
        if not form.is_valid():
            raise ValidationError(
                {
                    name: [e["message"] for e in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        department = form.selected_department()
        board = selectors.dashboard(
            period=form.selected_period(),
            departments=[department] if department else departments,
            department=department,
            with_ranking=permissions.sees_all_departments(request.user) and department is None,
        )
        data = {
            "period": _period(board.period),
            "departments": [
                {"code": d.code, "name": d.name, "figures": f.as_dict()} for d, f in board.rows
            ],
            "company": board.company.as_dict(),
            "trend": [{"period": _period(p), "figures": f.as_dict()} for p, f in board.trend],
            "ranking": [
                {"rank": rank, "code": d.code, "score": selectors.score(f)}
                for rank, d, f in board.ranking
            ],
        }
        return Response(KpiSerializer(data).data)
