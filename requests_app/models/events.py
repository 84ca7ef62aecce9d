"""Names of the timeline events and how they read."""

from django.utils.translation import gettext_lazy as _

CREATED = "requests.request.created"
EDITED = "requests.request.edited"
SUBMITTED = "requests.request.submitted"
RESUBMITTED = "requests.request.resubmitted"
HEAD_APPROVED = "requests.request.head_approved"
LEADER_APPROVED = "requests.request.approved"
RETURNED = "requests.request.returned"
REACHED = "requests.request.reached_departments"
DEPARTMENT_CONFIRMED = "requests.department.confirmed"
DEPARTMENT_ADJUSTMENT = "requests.department.adjustment"
DEPARTMENT_DECLINED = "requests.department.declined"
RETURNED_BY_DEPARTMENTS = "requests.request.returned_by_departments"
STARTED = "requests.request.started"
CLARIFICATION_ASKED = "requests.clarification.asked"
CLARIFICATION_ANSWERED = "requests.clarification.answered"
ATTACHMENT_ADDED = "requests.attachment.added"
WITHDRAWN = "requests.request.withdrawn"
COMPLETED = "requests.request.completed"
ARCHIVED = "requests.request.archived"
CANCELLED = "requests.request.cancelled"
ACCESS_GRANTED = "requests.request.access_granted"
ACKNOWLEDGED = "requests.department.acknowledged"
CLOCK_PAUSED = "requests.department.clock_paused"
CLOCK_RESUMED = "requests.department.clock_resumed"
DEADLINE_MOVED = "requests.deadline_moved"

LABELS = {
    CREATED: _("created the draft"),
    EDITED: _("edited the request"),
    SUBMITTED: _("submitted the request"),
    RESUBMITTED: _("resubmitted the request"),
    HEAD_APPROVED: _("approved (level-1 review)"),
    LEADER_APPROVED: _("approved (level-2 review)"),
    RETURNED: _("returned the request"),
    REACHED: _("request reached the addressed departments"),
    DEPARTMENT_CONFIRMED: _("confirmed: can undertake"),
    DEPARTMENT_ADJUSTMENT: _("asked for an adjustment"),
    DEPARTMENT_DECLINED: _("declined"),
    RETURNED_BY_DEPARTMENTS: _("request returned to the requester by the departments"),
    STARTED: _("all departments confirmed; work in progress"),
    CLARIFICATION_ASKED: _("asked a question"),
    CLARIFICATION_ANSWERED: _("answered a question"),
    ATTACHMENT_ADDED: _("added an attachment"),
    WITHDRAWN: _("withdrew the request"),
    COMPLETED: _("request completed"),
    ARCHIVED: _("request archived"),
    CANCELLED: _("cancelled the request"),
    ACCESS_GRANTED: _("granted access"),
    ACKNOWLEDGED: _("acknowledged receipt"),
    CLOCK_PAUSED: _("response clock paused while waiting for the requester's answer"),
    CLOCK_RESUMED: _("response clock resumed; the response is due later by the time paused"),
    DEADLINE_MOVED: _("deadline moved to the confirmed holiday calendar"),
}


def label_for(verb: str) -> str:
    return str(LABELS.get(verb, verb))
