"""Every write of issues_app. No HTTP objects here, so the API can reuse them."""

from .action_items import complete_action
from .agenda import add_agenda_item
from .answering import add_entry, respond
from .escalation import escalate_if_overdue, escalate_overdue_problems, escalate_problem
from .grading import grade_problem, set_owner
from .meetings import stale_error as meeting_stale_error
from .minutes import publish_minutes, save_minutes, sign_off
from .problems import stale_error
from .reporting import add_attachments, report_problem
from .resolution import confirm_problem, dismiss_problem, reopen_problem, resolve_problem
from .ruling import record_ruling, refer_to_leader
from .scheduling import cancel_meeting, plan_weekly_meetings, schedule_meeting

__all__ = [
    "add_agenda_item",
    "add_attachments",
    "add_entry",
    "cancel_meeting",
    "complete_action",
    "confirm_problem",
    "dismiss_problem",
    "escalate_if_overdue",
    "escalate_overdue_problems",
    "escalate_problem",
    "grade_problem",
    "meeting_stale_error",
    "plan_weekly_meetings",
    "publish_minutes",
    "record_ruling",
    "refer_to_leader",
    "reopen_problem",
    "report_problem",
    "resolve_problem",
    "respond",
    "save_minutes",
    "schedule_meeting",
    "set_owner",
    "sign_off",
    "stale_error",
]
