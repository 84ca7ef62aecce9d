from .choices import (
    Answer,
    Confidentiality,
    Priority,
    RequestType,
    State,
)
from .parts import (
    Attachment,
    Clarification,
    Milestone,
    RequestDepartment,
    RequestEvent,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
)
from .request import ApprovalRules, Request, RequestCounter

__all__ = [
    "Answer",
    "ApprovalRules",
    "Attachment",
    "Clarification",
    "Confidentiality",
    "Milestone",
    "Priority",
    "Request",
    "RequestCounter",
    "RequestDepartment",
    "RequestEvent",
    "RequestGroupObjectPermission",
    "RequestType",
    "RequestUserObjectPermission",
    "State",
]
