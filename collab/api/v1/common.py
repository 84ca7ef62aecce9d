"""Small read-only representations used by every resource."""

from rest_framework import serializers

from collab.workdays import calendar


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProvisionalFlag(serializers.BooleanField):
    """Whether the deadline in field `of` falls in a year whose holiday calendar is still
    provisional (estimated, not yet confirmed from the State Council notice): it may
    move when the year is confirmed."""

    def __init__(self, of: str, **kwargs):
        self.of = of
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault(
            "help_text",
            f"True when `{of}` falls on the provisional holiday calendar of a year not yet "
            "confirmed; it is recomputed when the year is confirmed.",
        )
        super().__init__(**kwargs)

    def to_representation(self, value) -> bool:
        return calendar.is_provisional(getattr(value, self.of, None))
