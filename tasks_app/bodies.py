"""The API bodies of the task steps whose input differs from their HTML form: a step
started without a form still takes an (unused) comment, progress and deliveries come
without files (files are handed in on the task's page), links come as a list."""

from rest_framework import serializers


class CommentBody(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressBody(serializers.Serializer):
    text = serializers.CharField(help_text="What was done today.")
    percent = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class DeliverBody(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    links = serializers.ListField(
        child=serializers.CharField(max_length=500),
        max_length=20,
        help_text="Links to the deliverables (files are handed in on the task's page).",
    )
