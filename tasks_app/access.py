"""Task owners and collaborators read the request they work on: a confidential request
is otherwise hidden from them, and collaborators may come from departments the request
does not address. They get guardian's per-object view grant on the request (the grant
table the request visibility rule already reads), and lose it when no task of the
request names them any more, unless the requester side granted it themselves."""

from guardian.shortcuts import assign_perm, remove_perm

from requests_app.models import RequestEvent
from requests_app.models import events as request_events
from requests_app.selectors import visible_requests

from .models import Task, TaskEvent

PERMISSION = "requests_app.view_request"


def grant(*, request, people) -> list[int]:
    """Grant to those who cannot already see the request; returns their ids."""
    granted = []
    for person in {p.pk: p for p in people if p is not None}.values():
        if not visible_requests(person).filter(pk=request.pk).exists():
            assign_perm(PERMISSION, person, request)
            granted.append(person.pk)
    return granted


def revoke_unless_named(*, request, user_ids) -> list[int]:
    """Withdraw grants this app made for people no task of the request names any more."""
    from django.contrib.auth import get_user_model

    revoked = []
    for user_id in user_ids:
        named = (
            Task.objects.filter(request=request, owner_id=user_id).exists()
            or Task.objects.filter(request=request, collaborators__pk=user_id).exists()
        )
        if named:
            continue
        ours = any(
            user_id in (e.data or {}).get("access_granted", [])
            for e in TaskEvent.objects.filter(request=request).only("data")
        )
        theirs = any(
            (e.data or {}).get("user") == user_id
            for e in RequestEvent.objects.filter(
                request=request, verb=request_events.ACCESS_GRANTED
            ).only("data")
        )
        if ours and not theirs:
            remove_perm(PERMISSION, get_user_model().objects.get(pk=user_id), request)
            revoked.append(user_id)
    return revoked
