"""The steps of a request, each declared once: the page's buttons, the confirm-and-run
views, the API actions and the permission-matrix tests all come from here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collab.core.workflow import Workflow, comment_form

from . import permissions, selectors, services
from .models import Request, State

workflow = Workflow(
    namespace="requests",
    model=Request,
    load=selectors.request_for_page,
    stale=services.stale_error,
    detail_url=lambda obj: reverse("requests:detail", args=[obj.pk]),
    template="requests_app/action.html",
)


def _submitted(obj):
    return _("Request %(number)s submitted for review.") % {"number": obj.number}


workflow.action(
    name="submit",
    label=lambda obj: _("Resubmit") if obj.state == State.RETURNED else _("Submit for review"),
    title=_("Submit for review"),
    button=_("Submit"),
    role=permissions.is_requester,
    allowed=permissions.can_submit,
    run=lambda obj, by, data: services.submit_request(request=obj, by=by, **data),
    done=_submitted,
    summary="Submit for review (requester)",
)
workflow.action(
    name="approve",
    label=_("Approve"),
    role=permissions.is_reviewer_role,
    allowed=permissions.can_review,
    run=lambda obj, by, data: services.approve_request(request=obj, by=by, **data),
    done=_("Approved."),
    summary="Approve (level 1: requesting head; level 2: division leader)",
)
workflow.action(
    name="return",
    label=_("Return"),
    title=_("Return to the requester"),
    style="secondary",
    role=permissions.is_reviewer_role,
    allowed=permissions.can_review,
    form=comment_form(required=True, help_text=_("Say what needs to change.")),
    run=lambda obj, by, data: services.return_request(request=obj, by=by, **data),
    done=_("Returned to the requester."),
    summary="Return to the requester (reviewer)",
)
workflow.action(
    name="withdraw",
    label=_("Withdraw"),
    title=_("Withdraw the request"),
    style="secondary outline",
    role=permissions.is_requester,
    allowed=permissions.can_withdraw,
    run=lambda obj, by, data: services.withdraw_request(request=obj, by=by, **data),
    done=_("Request withdrawn."),
    summary="Withdraw (requester, before work starts)",
)
workflow.action(
    name="cancel",
    label=_("Cancel the request"),
    style="secondary outline",
    role=permissions.is_division_leader,
    allowed=permissions.can_cancel,
    form=comment_form(required=True, help_text=_("Why the request is cancelled.")),
    run=lambda obj, by, data: services.cancel_request(request=obj, by=by, **data),
    done=_("Request cancelled."),
    summary="Cancel (division leader, while in progress)",
)
