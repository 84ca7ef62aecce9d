from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    REWORK = "rework", _("Rework")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


# The owner still has work to do (DOMAIN §4); these tasks can be late.
ACTIVE = [TaskState.TODO, TaskState.IN_PROGRESS, TaskState.REWORK]
# Not finished: a department with any of these cannot be rated yet.
OPEN = [*ACTIVE, TaskState.DELIVERED]
# "Before delivery": the head may still edit or cancel.
CHANGEABLE = ACTIVE
# Order of the board's columns.
BOARD_COLUMNS = [
    TaskState.TODO,
    TaskState.IN_PROGRESS,
    TaskState.REWORK,
    TaskState.DELIVERED,
    TaskState.ACCEPTED,
    TaskState.CANCELLED,
]

BADGE_CLASSES = {
    TaskState.TODO: "",
    TaskState.IN_PROGRESS: "badge-info",
    TaskState.DELIVERED: "badge-warn",
    TaskState.REWORK: "badge-danger",
    TaskState.ACCEPTED: "badge-ok",
    TaskState.CANCELLED: "",
}


class RoundResult(models.TextChoices):
    PENDING = "pending", _("Awaiting feedback")
    PASSED = "passed", _("Accepted")
    FAILED = "failed", _("Changes required")


class DeliverableKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


SCORES = [(n, str(n)) for n in range(1, 6)]
