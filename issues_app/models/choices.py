"""Translated choices and the limits of DOMAIN §5–6."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    BOUNDARY = "boundary", _("Responsibility boundary")
    RESOURCES = "resources", _("Resource allocation")
    INFORMATION = "information", _("Information mismatch")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    MAJOR = "major", _("Major")


# The next grade when a limit passes without the required step (DOMAIN §5).
NEXT_GRADE = {Grade.GENERAL: Grade.IMPORTANT, Grade.IMPORTANT: Grade.MAJOR}
# Working days from grading (or escalation) to the step each grade requires:
# general — the departments concerned answer; important — a solution is recorded.
# Major problems get the deadline the coordination group leader sets.
GRADE_WORKING_DAYS = {Grade.GENERAL: 1, Grade.IMPORTANT: 3}
# The collaborator responds within 2 working days of the report.
RESPONSE_WORKING_DAYS = 2

GRADE_BADGES = {
    Grade.GENERAL: "badge-info",
    Grade.IMPORTANT: "badge-warn",
    Grade.MAJOR: "badge-danger",
}


class ProblemState(models.TextChoices):
    REPORTED = "reported", _("Awaiting grading")
    OPEN = "open", _("Being handled")
    RESOLVED = "resolved", _("Resolved, awaiting confirmation")
    CLOSED = "closed", _("Closed")


OPEN_PROBLEM_STATES = [ProblemState.REPORTED, ProblemState.OPEN, ProblemState.RESOLVED]

STATE_BADGES = {
    ProblemState.REPORTED: "badge-warn",
    ProblemState.OPEN: "badge-info",
    ProblemState.RESOLVED: "badge-ok",
    ProblemState.CLOSED: "",
}


class ProblemStatus(models.TextChoices):
    """The three-way status a task page shows (DOMAIN §4)."""

    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class EntryKind(models.TextChoices):
    RESPONSE = "response", _("Response")
    PROPOSAL = "proposal", _("Proposal")
    DECISION = "decision", _("Decision")


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly collaboration meeting")
    MILESTONE = "milestone", _("Project milestone meeting")
    COORDINATION = "coordination", _("Coordination meeting")
    SPECIAL = "special", _("Special problem meeting")


# Minutes of meetings about important matters are due within 24 hours, all others
# within 1 working day (DOMAIN §6).
URGENT_MINUTES_KINDS = [MeetingKind.COORDINATION, MeetingKind.SPECIAL]
MINUTES_WORKING_DAYS = 1
MINUTES_HOURS_IMPORTANT = 24
WEEKLY_MAX_MINUTES = 90


class MilestoneStage(models.TextChoices):
    KICKOFF = "kickoff", _("Kick-off")
    MIDTERM = "midterm", _("Mid-term")
    PRE_ACCEPTANCE = "pre_acceptance", _("Before acceptance")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Minutes published")
    CANCELLED = "cancelled", _("Cancelled")


MEETING_BADGES = {
    MeetingState.SCHEDULED: "badge-info",
    MeetingState.PUBLISHED: "badge-ok",
    MeetingState.CANCELLED: "",
}


class ActionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("action item state", "Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
