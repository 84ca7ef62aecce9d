"""Every write to a request: one function per use case, one transaction each,
notifications after commit. No HTTP objects here, so the API can reuse them."""

from .access import add_attachments, grant_access
from .closing import archive_request, cancel_request, complete_request
from .common import stale_error
from .confirmation import (
    acknowledge_receipt,
    acknowledged_error,
    answer_clarification,
    answer_department,
    ask_clarification,
)
from .filing import REQUEST_FIELDS, create_request, submit_request, update_request
from .review import approve_request, return_request, withdraw_request

__all__ = [
    "REQUEST_FIELDS",
    "acknowledge_receipt",
    "acknowledged_error",
    "add_attachments",
    "answer_clarification",
    "answer_department",
    "approve_request",
    "archive_request",
    "ask_clarification",
    "cancel_request",
    "complete_request",
    "create_request",
    "grant_access",
    "return_request",
    "stale_error",
    "submit_request",
    "update_request",
    "withdraw_request",
]
