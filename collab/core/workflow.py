"""The workflow kernel: every step of every app is declared once, as an `Action` of the
app's `Workflow`, and the edges are generated from that declaration:

- the buttons of the object's page (`Workflow.buttons`, rendered by
  ``templates/includes/actions.html``),
- the HTML confirm-and-run view and its URL (`Workflow.urls`),
- the REST action with its OpenAPI entry (``collab/api/actions.py`` reads the same
  declarations),
- the permission-matrix test rows (``tests/core/test_actions.py``).

Every guarded write follows one order, in the browser and in the API:
visible (404) → role (403) → state (a stale click is explained, never a 500) → input
(errors next to their field) → the service, which locks the row and fires the
transition (`fire`)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .errors import DomainError

# --- inputs -------------------------------------------------------------------------------


class CommentForm(forms.Form):
    """The input of most steps: an optional or required comment."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, required=False, label=None, help_text="", **kwargs):
        kwargs.pop("obj", None)
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        comment = self.fields["comment"]
        comment.required = required
        comment.help_text = help_text
        if label:
            comment.label = label


def comment_form(*, required=False, label=None, help_text=""):
    def build(*args, **kwargs):
        return CommentForm(*args, required=required, label=label, help_text=help_text, **kwargs)

    return build


def plain_form(form_class, **options):
    """A step's form that needs neither the object nor the person the kernel hands over."""

    def build(data=None, files=None, *, obj=None, user=None):
        return form_class(data, files, **options)

    return build


# --- the declaration ----------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One step a person can take on an object.

    `role(user, obj)` says whether the person ever has a part in this step (403 when
    not); `allowed(user, obj)` adds the state (a stale click when the role holds but
    the state moved on). `run(obj, user, data)` calls the service with the validated
    input. `form(data, files, obj=, user=)` builds the HTML form; the API reads the same
    form unless `body` declares its own serializer; `api=False`: no API action.
    `url_path` is the step's path under the object (default: its name); `api_url_path`
    the API's, where it differs from the page's; `description` documents the API action."""

    name: str
    label: Any
    role: Callable[[Any, Any], bool]
    allowed: Callable[[Any, Any], bool]
    run: Callable[[Any, Any, dict], Any]
    done: Any
    form: Callable[..., forms.Form] = field(default=comment_form())
    body: Any = None
    api: bool = True
    title: Any = None
    button: Any = None
    intro: Any = ""
    style: str = ""
    summary: str = ""
    url_path: str = ""
    api_url_path: str = ""
    description: str = ""

    @property
    def path(self) -> str:
        return self.url_path or self.name

    @property
    def api_path(self) -> str:
        return self.api_url_path or self.path

    @property
    def api_name(self) -> str:
        """How the API names the step in a resource's `actions`."""
        return self.api_path.replace("-", "_")

    @property
    def method_name(self) -> str:
        """The API viewset method: a Python name (``return`` is a keyword)."""
        return self.name.replace("-", "_") + ("_" if self.name in {"return"} else "")

    def label_for(self, obj) -> str:
        return str(self.label(obj) if callable(self.label) else self.label)

    def title_for(self, obj) -> str:
        title = self.title or self.label
        return str(title(obj) if callable(title) else title)


# Every workflow declared, by namespace: the matrix test and the developer notes read it.
WORKFLOWS: dict[str, "Workflow"] = {}


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    url: str
    style: str


class Workflow:
    """The steps of one kind of object, with what every edge needs to know about it.

    `load(user, pk)` returns the object when the person may see it (None: 404);
    `stale(obj)` explains in the person's words why a step is no longer possible.
    `namespace` is the URL namespace of the app; when an app has several workflows
    (problems and meetings), `prefix` keeps their URL names apart ("meeting_cancel")
    and `key` names the workflow in `WORKFLOWS`; `url_base` is the path before the
    object's id within the app's URLs ("meetings/")."""

    def __init__(
        self,
        *,
        namespace: str,
        model,
        load: Callable[[Any, int], Any],
        stale: Callable[[Any], DomainError],
        detail_url: Callable[[Any], str],
        template: str,
        object_name: str = "object",
        prefix: str = "",
        key: str = "",
        url_base: str = "",
    ):
        self.url_base = url_base
        self.namespace = namespace
        self.prefix = prefix
        self.key = key or namespace
        self.model = model
        self.load = load
        self.stale = stale
        self.detail_url = detail_url
        self.template = template
        self.object_name = object_name
        self.actions: dict[str, Action] = {}
        if self.key in WORKFLOWS:
            raise ValueError(f"workflow {self.key!r} declared twice")
        WORKFLOWS[self.key] = self

    def action(self, **declaration) -> Action:
        action = Action(**declaration)
        if action.name in self.actions:
            raise ValueError(f"{self.key}: action {action.name!r} declared twice")
        self.actions[action.name] = action
        return action

    def url_name(self, action: Action) -> str:
        return f"{self.namespace}:{self.prefix}{action.name}"

    def allowed_names(self, user, obj) -> list[str]:
        """The names of the steps this person can take now, in declaration order."""
        return [name for name, action in self.actions.items() if action.allowed(user, obj)]

    def buttons(self, user, obj) -> list[Button]:
        """The steps this person can take now, in declaration order."""
        return [
            Button(
                name=action.name,
                label=action.label_for(obj),
                url=reverse(self.url_name(action), args=[obj.pk]),
                style=action.style,
            )
            for action in self.actions.values()
            if action.allowed(user, obj)
        ]

    def urls(self) -> list:
        return [
            path(
                f"{self.url_base}<int:pk>/{action.path}/",
                self.view(action),
                name=self.prefix + action.name,
            )
            for action in self.actions.values()
        ]

    def view(self, action: Action):
        """GET shows the form or a confirmation; POST runs the service."""

        @login_required
        def step(http_request, pk):
            user = http_request.user
            obj = self.load(user, pk)
            if obj is None:
                raise Http404
            if not action.role(user, obj):
                raise PermissionDenied
            if not action.allowed(user, obj):
                return self._stale(http_request, obj, self.stale(obj))
            posted = http_request.method == "POST"
            form = action.form(
                http_request.POST if posted else None,
                http_request.FILES if posted else None,
                obj=obj,
                user=user,
            )
            if posted and form.is_valid():
                try:
                    action.run(obj, user, form.cleaned_data)
                except DomainError as error:
                    if error.field and error.field in form.fields:
                        form.add_error(error.field, str(error))
                    else:
                        return self._stale(http_request, obj, error)
                else:
                    done = action.done(obj) if callable(action.done) else action.done
                    messages.success(http_request, str(done))
                    return redirect(self.detail_url(obj))
            return render(
                http_request,
                self.template,
                {
                    "object": obj,
                    self.object_name: obj,
                    "form": form,
                    "title": action.title_for(obj),
                    "button": action.button or action.label_for(obj),
                    "intro": action.intro,
                    "action": action,
                },
            )

        step.__name__ = step.__qualname__ = f"{self.key}_{action.method_name}"
        return step

    def _stale(self, http_request, obj, error):
        messages.warning(http_request, str(error))
        return redirect(self.detail_url(obj))


# --- a click that came too late -----------------------------------------------------------


def explain_stale(events, *, state: str, error, changed: str, unchanged: str, said=None):
    """The one explanation of a stale click: who did what, and when, and the state now.

    `events` is the object's timeline without the events that change nothing a person
    can do. The last event a person did is named — the system's own follow-ups (a
    request reaching the departments once the leader approved) are consequences, not
    the change the clicker lost to. `said` maps a verb to its own sentence ("Already
    approved by %(who)s at %(when)s…"); `changed` is the sentence for any other event,
    `unchanged` the one for a timeline with nothing in it. All are translated strings
    with %(who)s, %(what)s, %(when)s and %(state)s to fill."""
    ordered = events.select_related("actor").order_by("-at", "-pk")
    last = ordered.filter(actor__isnull=False).first() or ordered.first()
    if last is None:
        return error(unchanged % {"state": state})
    sentence = (said or {}).get(last.verb, changed)
    return error(
        sentence
        % {
            "who": last.actor.name if last.actor else gettext("the system"),
            "what": last.label,
            "when": date_format(timezone.localtime(last.at), "Y-m-d H:i"),
            "state": state,
        }
    )


# --- the service side ---------------------------------------------------------------------


def lock(model, pk, *, related=(), prefetch=()):
    """The row re-read under a lock, so that a decision is taken on what is stored and
    the version checked is the version written over. Only the row itself is locked
    (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join)."""
    qs = model.objects.select_for_update(of=("self",))
    if related:
        qs = qs.select_related(*related)
    if prefetch:
        qs = qs.prefetch_related(*prefetch)
    return qs.get(pk=pk)


def save(obj, *, stale: Callable[[Any], DomainError]) -> None:
    """Save a row whose state may have been changed by someone else since it was read:
    the concurrent change becomes the person's explanation from `stale`. A savepoint of
    its own, so the explanation can still be read in the same transaction."""
    try:
        with transaction.atomic():
            obj.save()
    except ConcurrentTransition:
        raise stale(obj) from None


def fire(
    obj,
    transition: str,
    *,
    stale: Callable[[Any], DomainError],
    then: dict | None = None,
    commit: bool = True,
    **kwargs,
) -> None:
    """Run one state-machine transition and save it (`commit=False`: the caller sets
    more fields and calls `save`). `then` sets fields once the transition passed. A
    state that moved on, or a concurrent save, becomes the explanation from `stale`."""
    try:
        getattr(obj, transition)(**kwargs)
    except TransitionNotAllowed:
        raise stale(obj) from None
    for name, value in (then or {}).items():
        setattr(obj, name, value)
    if commit:
        save(obj, stale=stale)
