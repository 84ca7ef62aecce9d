"""Names of the task timeline events and how they read."""

from django.utils.translation import gettext_lazy as _

CREATED = "tasks.task.created"
EDITED = "tasks.task.edited"
CANCELLED = "tasks.task.cancelled"
STARTED = "tasks.task.started"
RESUMED = "tasks.task.resumed"
PROGRESS = "tasks.task.progress"
DELIVERED = "tasks.task.delivered"
ACCEPTED = "tasks.task.accepted"
REJECTED = "tasks.task.rejected"
RATED = "tasks.department.rated"
DEADLINE_MOVED = "tasks.deadline_moved"

LABELS = {
    CREATED: _("created the task"),
    EDITED: _("edited the task"),
    CANCELLED: _("cancelled the task"),
    STARTED: _("started the task"),
    RESUMED: _("resumed work after the rejection"),
    PROGRESS: _("posted progress"),
    DELIVERED: _("delivered"),
    ACCEPTED: _("accepted the delivery"),
    REJECTED: _("rejected the delivery"),
    RATED: _("rated the department"),
    DEADLINE_MOVED: _("moved the deadline to the confirmed holiday calendar"),
}

# Events that move the state; the last of them explains a stale click.
STATE_VERBS = [CREATED, CANCELLED, STARTED, RESUMED, DELIVERED, ACCEPTED, REJECTED]


def label_for(verb: str) -> str:
    return str(LABELS.get(verb, verb))
