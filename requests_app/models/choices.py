from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    HEAD_REVIEW = "head_review", _("Head review")
    LEADER_REVIEW = "leader_review", _("Leader review")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    RETURNED = "returned", _("Returned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


# States in which the requester may still withdraw (DOMAIN §3: "any state before in_progress").
WITHDRAWABLE = [
    State.DRAFT,
    State.HEAD_REVIEW,
    State.LEADER_REVIEW,
    State.AWAITING_CONFIRMATION,
    State.RETURNED,
]
EDITABLE = [State.DRAFT, State.RETURNED]
OPEN_STATES = [
    State.DRAFT,
    State.HEAD_REVIEW,
    State.LEADER_REVIEW,
    State.AWAITING_CONFIRMATION,
    State.RETURNED,
    State.IN_PROGRESS,
]

BADGE_CLASSES = {
    State.DRAFT: "",
    State.HEAD_REVIEW: "badge-info",
    State.LEADER_REVIEW: "badge-info",
    State.AWAITING_CONFIRMATION: "badge-warn",
    State.RETURNED: "badge-danger",
    State.IN_PROGRESS: "badge-ok",
    State.COMPLETED: "badge-ok",
    State.ARCHIVED: "",
    State.WITHDRAWN: "",
    State.CANCELLED: "",
}


class RequestType(models.TextChoices):
    PROJECT = "project", _("Cross-department project")
    ROUTINE = "routine", _("Routine matter")
    URGENT = "urgent", _("Urgent matter")
    RESOURCE = "resource", _("Resource request")
    HANDOVER = "handover", _("Work handover")
    INFORMATION = "information", _("Information sharing")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# DOMAIN §2: collaborators respond within 24 / 48 / 72 calendar hours.
RESPONSE_HOURS = {Priority.HIGH: 24, Priority.MEDIUM: 48, Priority.LOW: 72}
# DOMAIN §3: the requester answers a clarification within 24 h.
CLARIFICATION_HOURS = 24


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    CONFIDENTIAL = "confidential", _("Confidential")


class Answer(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed, can undertake")
    ADJUSTMENT = "adjustment", _("Needs adjustment")
    DECLINED = "declined", _("Declined")
