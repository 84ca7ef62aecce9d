from . import events
from .choices import (
    ACTIVE,
    BOARD_COLUMNS,
    CHANGEABLE,
    OPEN,
    DeliverableKind,
    RoundResult,
    TaskState,
)
from .parts import (
    AcceptanceRound,
    Deliverable,
    DepartmentRating,
    ProgressEntry,
    ProgressFile,
    TaskEvent,
)
from .task import Task

__all__ = [
    "ACTIVE",
    "BOARD_COLUMNS",
    "CHANGEABLE",
    "OPEN",
    "AcceptanceRound",
    "Deliverable",
    "DeliverableKind",
    "DepartmentRating",
    "ProgressEntry",
    "ProgressFile",
    "RoundResult",
    "Task",
    "TaskEvent",
    "TaskState",
    "events",
]
