"""Who may do what with ledgers, documents, completion reports and the archive.
Views and services call the same predicates."""

from django.utils import timezone

from collab.org.roles import roles_of
from requests_app.models import State

from .models import ReportState


def can_see_ledgers(user) -> bool:
    # Everyone sees the requests they may see; the secretary sees all (the selector decides).
    return bool(user.is_authenticated)


def can_download(user, document) -> bool:
    """Only people who asked for a document (after their own visibility check) get it."""
    return bool(user.is_authenticated) and document.readers.filter(pk=user.pk).exists()


# --- completion report ------------------------------------------------------------------


def lead_department(request):
    """The lead department: the first department addressed on the form."""
    return min(request.departments.all(), key=lambda rd: rd.pk, default=None)


def is_lead_department_member(user, request) -> bool:
    lead = lead_department(request)
    if lead is None or not user.is_authenticated:
        return False
    roles = roles_of(user)
    return (
        lead.department_id in roles.headed
        or lead.department_id in roles.liaison_for
        or lead.contact_id == user.pk
    )


def is_requesting_head(user, request) -> bool:
    return request.requesting_department_id in roles_of(user).headed


def can_draft_report(user, request, report) -> bool:
    """The lead department drafts (and corrects) the report once the request is completed."""
    return (
        request.state == State.COMPLETED
        and (report is None or report.is_editable)
        and is_lead_department_member(user, request)
    )


def can_decide_report(user, request, report) -> bool:
    """The requesting department's head approves the report or sends it back."""
    return (
        request.state == State.COMPLETED
        and report is not None
        and report.state == ReportState.SUBMITTED
        and is_requesting_head(user, request)
    )


# --- archive ----------------------------------------------------------------------------


def can_delete_archived(user, record, *, today=None) -> bool:
    """Only an administrator, and only after the retention date."""
    today = today or timezone.localdate()
    return bool(user.is_authenticated and user.is_superuser) and record.retention_until < today
