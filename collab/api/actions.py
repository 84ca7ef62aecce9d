"""The REST side of the workflow kernel: every declared `Action` with a `body` becomes a
POST action of its resource's viewset, documented in the OpenAPI schema, guarded in the
same order as the browser (see `collab.core.workflow`).

The request body is the step's HTML form read as a serializer (`body_for`), so a field
has one definition; a step whose API input differs declares `body` itself.

A viewset using `with_actions` provides `object_etag(pk)` (a static method) and
`detail_response(pk)`; it may map a service's field names to its own in
`api_field_names`."""

from django import forms
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action as drf_action

from collab.core.errors import DomainError
from collab.core.workflow import Action, Workflow

from .errors import denied
from .schema import ETAG, IF_MATCH, WRITE_ERRORS
from .transitions import guarded


def _serializer_field(field: forms.Field) -> serializers.Field:
    text = {"help_text": str(field.help_text or field.label or "")}
    optional = {} if field.required else {"required": False}
    if isinstance(field, forms.ModelChoiceField):
        return serializers.PrimaryKeyRelatedField(
            queryset=field.queryset, allow_null=not field.required, **optional, **text
        )
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=list(field.choices), **optional, **text)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(default=False, **text)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=field.min_value, max_value=field.max_value, **optional, **text
        )
    if isinstance(field, forms.DateField):
        return serializers.DateField(**optional, **text)
    if isinstance(field, forms.CharField):
        if field.required:
            return serializers.CharField(max_length=field.max_length, **text)
        return serializers.CharField(
            max_length=field.max_length, allow_blank=True, default="", **text
        )
    raise TypeError(f"No API field for {type(field).__name__}; declare the step's body")


def body_for(workflow: Workflow, step: Action):
    """The step's serializer: its declared `body`, or its form's fields read as one.
    None when the step takes no input."""
    if step.body is not None:
        return step.body
    form = step.form(None, None, obj=None, user=None)
    if not form.fields:
        return None
    fields = {name: _serializer_field(field) for name, field in form.fields.items()}
    name = "".join(part.title() for part in [workflow.key, *step.name.split("-")])
    return type(f"{name}Body", (serializers.Serializer,), fields)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class ActionsField(serializers.Field):
    """What the reader may do with the object now: the workflow's steps that are open to
    them, after the resource's own non-step actions (`extra`: name → predicate)."""

    def __init__(self, workflow: Workflow, *, extra=None, **kwargs):
        self.workflow = workflow
        self.extra = extra or {}
        names = [*self.extra, *(step.api_name for step in workflow.actions.values())]
        kwargs.setdefault("help_text", "What you may do now; one of: " + ", ".join(names))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        user = self.context["request"].user
        extra = [name for name, allowed in self.extra.items() if allowed(user, obj)]
        steps = self.workflow.actions
        return extra + [steps[name].api_name for name in self.workflow.allowed_names(user, obj)]


def _handler(workflow: Workflow, step: Action, body):
    def handler(self, request, pk=None):
        user = request.user
        obj = workflow.load(user, int(pk))
        if obj is None:
            raise Http404
        if not step.role(user, obj):
            raise denied()

        def run(locked):
            data = {}
            if body is not None:
                serializer = body(data=request.data, context=self.get_serializer_context())
                serializer.is_valid(raise_exception=True)
                data = dict(serializer.validated_data)
            try:
                step.run(locked, user, data)
            except DomainError as error:
                renamed = getattr(self, "api_field_names", {}).get(error.field)
                if renamed:
                    raise type(error)(error.message, field=renamed) from None
                raise

        guarded(
            request,
            model=workflow.model,
            pk=obj.pk,
            etag=self.object_etag,
            allowed=lambda locked: step.allowed(user, locked),
            stale=workflow.stale,
            run=run,
            error_class=DomainError,
        )
        return self.detail_response(obj.pk)

    handler.__name__ = handler.__qualname__ = step.method_name
    return handler


def with_actions(workflow: Workflow, *, detail_serializer):
    """Class decorator: add one POST action per declared step (`api=False` opts out)."""

    def decorate(viewset):
        for step in workflow.actions.values():
            if not step.api:
                continue
            if step.method_name in viewset.__dict__:
                raise TypeError(f"{viewset.__name__}.{step.method_name} is declared twice")
            body = body_for(workflow, step)
            handler = drf_action(detail=True, methods=["post"], url_path=step.api_path)(
                _handler(workflow, step, body)
            )
            handler = extend_schema(
                summary=step.summary or str(step.title or step.label),
                description=step.description or None,
                request=body,
                parameters=[IF_MATCH, ETAG],
                responses={200: detail_serializer, **WRITE_ERRORS},
            )(handler)
            setattr(viewset, step.method_name, handler)
        return viewset

    return decorate
