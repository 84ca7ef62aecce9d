"""Every write of issues_app. No HTTP objects here, so the API can reuse them."""

from .escalation import escalate_if_overdue, escalate_overdue_problems
from .meetings import (
    add_agenda_item,
    cancel_meeting,
    complete_action,
    plan_weekly_meetings,
    publish_minutes,
    save_minutes,
    schedule_meeting,
    sign_off,
)
from .meetings import stale_error as meeting_stale_error
from .problems import (
    add_attachments,
    add_entry,
    confirm_problem,
    dismiss_problem,
    escalate_problem,
    grade_problem,
    record_ruling,
    refer_to_leader,
    reopen_problem,
    report_problem,
    resolve_problem,
    respond,
    set_owner,
    stale_error,
)

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
