"""Reasons for delays (DOMAIN §8: "a delay of more than 24 h must be explained by the
person responsible").

The reminder engine's "explain" stage files a `LateReason` for each holder of a deadline
missed by more than 24 h; here the person writes the reason, My work shows the ones
still owed, and the ledgers read the given ones by record (`ref`, e.g. "request:42").
What a deadline was about comes from the kind's handler (`ReminderHandler.late_title`),
so this module knows no app."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.errors import DomainError
from collab.core.inbox import WorkItem

from . import dates
from .models import LateReason
from .reminders import HANDLERS


class LatenessError(DomainError):
    """A reason that cannot be saved as asked; the message is for the person."""


def title_of(reason: LateReason) -> str | None:
    """What the deadline was about, for the person asked; None when they may no longer
    see it (or the kind is gone)."""
    handler = HANDLERS.get(reason.kind)
    if handler is None:
        return None
    return handler.late_title(reason)


# --- reads ------------------------------------------------------------------------------


def reason_for(user, pk: int) -> LateReason | None:
    """One reason, only for the person it was asked of."""
    if not getattr(user, "is_authenticated", False):
        return None
    return LateReason.objects.filter(pk=pk, person=user).first()


def owed_by(user):
    if not getattr(user, "is_authenticated", False):
        return LateReason.objects.none()
    return LateReason.objects.filter(person=user, given_at__isnull=True)


def reasons_for(refs) -> dict[str, list[LateReason]]:
    """Reasons asked under each of `refs` (given or not), oldest deadline first."""
    found: dict[str, list[LateReason]] = {ref: [] for ref in refs}
    rows = (
        LateReason.objects.filter(ref__in=list(found))
        .select_related("person")
        .order_by("due_at", "pk")
    )
    for reason in rows:
        found[reason.ref].append(reason)
    return found


def work_items(user) -> list:
    """My work: every delay this person still has to explain."""
    items = []
    kind = gettext("Delay")
    for reason in owed_by(user).order_by("due_at", "pk"):
        title = title_of(reason)
        if title is None:
            continue
        items.append(
            WorkItem(
                kind,
                title,
                reverse("notify:late_reason", args=[reason.pk]),
                gettext("Explain the delay (deadline %(due)s)")
                % {"due": dates.local_datetime(reason.due_at)},
                None,
            )
        )
    return items


# --- writes -----------------------------------------------------------------------------


def give_reason(*, reason: LateReason, by, text: str, now=None) -> LateReason:
    """Save the person's explanation; once given it stays as written."""
    if reason.person_id != by.pk:
        raise LatenessError(gettext("Only the person asked can explain this delay."))
    text = (text or "").strip()
    if not text:
        raise LatenessError(gettext("Say why the deadline was missed."))
    with transaction.atomic():
        reason = LateReason.objects.select_for_update().get(pk=reason.pk)
        if reason.given_at is not None:
            raise LatenessError(
                gettext("You already explained this delay at %(when)s.")
                % {"when": dates.local_datetime(reason.given_at)}
            )
        reason.reason = text
        reason.given_at = now or timezone.now()
        reason.save()
    return reason
