"""Working-day deadlines of a request that confirming a year's holidays recomputes
(`ReminderHandler.deadline_moved`): the new due time is stored and the request's
timeline says which deadline moved, from when to when."""

from django.db import transaction

from .models import RequestEvent, events


def move(obj, field: str, *, request, old_due, new_due, label: str) -> bool:
    """Store `new_due` in `obj.<field>` if it still holds `old_due`; False otherwise."""
    with transaction.atomic():
        current = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        if current is None or getattr(current, field) != old_due:
            return False
        setattr(current, field, new_due)
        current.save(update_fields=[field])
        RequestEvent.objects.create(
            request=request,
            verb=events.DEADLINE_MOVED,
            actor=None,
            data={"deadline": label, "old": old_due.isoformat(), "new": new_due.isoformat()},
        )
    return True
