"""Thin views: parse, call a service or selector, render. Objects a person may not see
are 404, including every action URL and every file."""

from .access import attachment_add, attachment_download, grant
from .departments import acknowledge, answer, ask, reply
from .pages import contact_options, request_create, request_detail, request_edit, request_list

__all__ = [
    "acknowledge",
    "answer",
    "ask",
    "attachment_add",
    "attachment_download",
    "contact_options",
    "grant",
    "reply",
    "request_create",
    "request_detail",
    "request_edit",
    "request_list",
]
