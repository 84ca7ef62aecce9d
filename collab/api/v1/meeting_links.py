"""The problem or request a meeting, an agenda item or an action item is about.

The reader may not see it; it is then shown without its title, as on the meeting page.
The views put the ids the reader may see into the serializer context
(`readable_problems`, `readable_requests`)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class LinkSerializer(serializers.Serializer):
    """A problem or request an item is about; all null when you may not see it."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    number = serializers.CharField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True, allow_null=True)


def problem_link(problem, readable) -> dict | None:
    if problem is None:
        return None
    if problem.pk in readable:
        return {"id": problem.pk, "number": problem.number, "title": problem.title}
    return {"id": None, "number": None, "title": None}


def request_link(request, readable) -> dict | None:
    if request is None:
        return None
    if request.pk in readable:
        return {"id": request.pk, "number": request.number, "title": request.title}
    return {"id": None, "number": None, "title": None}


class LinkedItem:
    """Mixin for items linked to a problem and a request."""

    def _readable(self):
        return (
            self.context.get("readable_problems", set()),
            self.context.get("readable_requests", set()),
        )

    @extend_schema_field(LinkSerializer(allow_null=True))
    def get_problem(self, item):
        return problem_link(item.problem, self._readable()[0]) if item.problem_id else None

    @extend_schema_field(LinkSerializer(allow_null=True))
    def get_request(self, item):
        return request_link(item.request, self._readable()[1]) if item.request_id else None
