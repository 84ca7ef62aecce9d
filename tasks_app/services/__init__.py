"""Every write to tasks: one function per use case, one transaction each, notifications
after commit. No HTTP objects here, so an API can reuse them."""

from .acceptance import accept_task, deliver_task, reject_task
from .common import stale_error
from .planning import EDIT_FIELDS, cancel_task, create_task, update_task
from .rating import rate_department
from .work import post_progress, resume_task, start_task

__all__ = [
    "EDIT_FIELDS",
    "accept_task",
    "cancel_task",
    "create_task",
    "deliver_task",
    "post_progress",
    "rate_department",
    "reject_task",
    "resume_task",
    "start_task",
    "stale_error",
    "update_task",
]
