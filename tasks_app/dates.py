"""The date rule of a task's plan that depends on today, shared by the form and the
services so that both refuse with the same words."""

from datetime import date

from django.utils.translation import gettext


def planned_finish_problem(
    planned_finish: date | None, *, today: date, stored: date | None = None
) -> str | None:
    """A planned finish in the past is refused when it is new or changed. `stored` is
    the saved plan of the task being edited: a task that is already late keeps its plan
    when someone edits its other fields (the lateness is what the ledgers must show)."""
    if planned_finish is not None and planned_finish < today and planned_finish != stored:
        return gettext("The planned finish cannot be in the past.")
    return None
