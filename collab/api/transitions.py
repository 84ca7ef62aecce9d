"""The order every guarded write follows, for every resource:

visible (404) → role (403, checked by the caller) → If-Match (428/412) → state (409)
→ body (400) → the service. The row is locked first, so the version checked is the
version written over. A service refusal that names no field means the state moved on
between the check and the write: 409 with the state the object has now."""

from django.db import transaction

from .concurrency import check_if_match
from .errors import InvalidTransition


def current_state(model, pk) -> str:
    return model.objects.filter(pk=pk).values_list("state", flat=True).first() or ""


def guarded(http_request, *, model, pk, etag, allowed, stale, run, error_class):
    """`allowed(obj)` and `run(obj)` receive the freshly locked object;
    `stale(obj)` explains a refusal in the person's words."""
    with transaction.atomic():
        obj = model.objects.select_for_update(of=("self",)).get(pk=pk)
        check_if_match(http_request, etag(pk))
        if not allowed(obj):
            raise InvalidTransition(str(stale(obj)), current_state=obj.state)
        try:
            return run(obj)
        except error_class as error:
            if error.field:
                raise
            raise InvalidTransition(str(error), current_state=current_state(model, pk)) from None
