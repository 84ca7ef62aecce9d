"""Names of the timeline events of problems and meetings, and how they read."""

from django.utils.translation import gettext_lazy as _

PROBLEM_REPORTED = "issues.problem.reported"
PROBLEM_GRADED = "issues.problem.graded"
PROBLEM_RESPONDED = "issues.problem.responded"
PROBLEM_PROPOSAL = "issues.problem.proposal"
PROBLEM_DECISION = "issues.problem.decision"
PROBLEM_RESOLVED = "issues.problem.resolved"
PROBLEM_CONFIRMED = "issues.problem.confirmed"
PROBLEM_REOPENED = "issues.problem.reopened"
PROBLEM_ESCALATED = "issues.problem.escalated"
PROBLEM_OWNER_SET = "issues.problem.owner_set"
PROBLEM_REFERRED = "issues.problem.referred"
PROBLEM_RULED = "issues.problem.ruled"
PROBLEM_DISMISSED = "issues.problem.dismissed"
PROBLEM_ATTACHMENT = "issues.problem.attachment_added"
PROBLEM_ON_AGENDA = "issues.problem.on_agenda"

MEETING_SCHEDULED = "issues.meeting.scheduled"
MEETING_AGENDA_ADDED = "issues.meeting.agenda_added"
MEETING_MINUTES_SAVED = "issues.meeting.minutes_saved"
MEETING_PUBLISHED = "issues.meeting.published"
MEETING_SIGNED = "issues.meeting.signed_off"
MEETING_CANCELLED = "issues.meeting.cancelled"
ACTION_DONE = "issues.action.done"
DEADLINE_MOVED = "issues.deadline_moved"

LABELS = {
    PROBLEM_REPORTED: _("reported the problem"),
    PROBLEM_GRADED: _("graded the problem"),
    PROBLEM_RESPONDED: _("responded"),
    PROBLEM_PROPOSAL: _("made a proposal"),
    PROBLEM_DECISION: _("recorded a decision"),
    PROBLEM_RESOLVED: _("recorded the resolution"),
    PROBLEM_CONFIRMED: _("confirmed the problem is resolved"),
    PROBLEM_REOPENED: _("reopened the problem"),
    PROBLEM_ESCALATED: _("escalated the problem"),
    PROBLEM_OWNER_SET: _("named the owner and deadline"),
    PROBLEM_REFERRED: _("referred the disagreement to the division leader"),
    PROBLEM_RULED: _("gave a ruling"),
    PROBLEM_DISMISSED: _("closed the problem"),
    PROBLEM_ATTACHMENT: _("added an attachment"),
    PROBLEM_ON_AGENDA: _("put the problem on a meeting agenda"),
    MEETING_SCHEDULED: _("scheduled the meeting"),
    MEETING_AGENDA_ADDED: _("added an agenda item"),
    MEETING_MINUTES_SAVED: _("saved the minutes draft"),
    MEETING_PUBLISHED: _("published the minutes"),
    MEETING_SIGNED: _("signed the meeting resolution"),
    MEETING_CANCELLED: _("cancelled the meeting"),
    ACTION_DONE: _("completed an action item"),
    DEADLINE_MOVED: _("moved the deadline to the confirmed holiday calendar"),
}


def label_for(verb: str) -> str:
    return str(LABELS.get(verb, verb))
