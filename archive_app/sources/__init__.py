"""What the ledgers, the dossier and the archive take from the tasks and issues apps.

Those apps own their data and their visibility rules; the archive reads their models
read-only and filters through their selectors (`visible_problems`, `visible_meetings`,
`readable_links`). Everything returned is plain, JSON-friendly values, built in a
fixed number of queries whatever the count:

- `task_progress(request_ids)` → ``{request_id: {"total", "done", "percent", "late",
  "overdue"}}`` (requests without tasks are absent)
- `dossier_tasks(request)` → the task follow-up table with progress log, deliverables,
  problems met and acceptance rounds
- `dossier_ratings(request)` → the department ratings
- `deliverable_files(request)` → ``(name, FieldFile)`` of the files handed in
- `archive_files(request)` → ``(folder, name, FieldFile)`` of deliverables, progress
  files and problem attachments, for the ZIP
- `problem_ledger(user, filters=...)` / `problem_rows(problems)` → the problem ledger
- `dossier_problems(request)`, `dossier_minutes(request)`, `minutes_for_pdf(user, pk)`

Functions taking a request expect one the caller has already found visible: tasks and
problems inherit their request's visibility."""

from . import issues, tasks
from .issues import (
    dossier_minutes,
    dossier_problems,
    minutes_for_pdf,
    problem_ledger,
    problem_ledger_rows,
    problem_rows,
    problem_summary,
    with_problem_relations,
)
from .tasks import deliverable_files, dossier_ratings, dossier_tasks


def task_progress(request_ids) -> dict:
    return tasks.progress_by_request(request_ids)


def archive_files(request) -> list:
    return tasks.task_files(request) + issues.problem_files(request)


__all__ = [
    "archive_files",
    "deliverable_files",
    "dossier_minutes",
    "dossier_problems",
    "dossier_ratings",
    "dossier_tasks",
    "minutes_for_pdf",
    "problem_ledger",
    "problem_ledger_rows",
    "problem_rows",
    "problem_summary",
    "task_progress",
    "with_problem_relations",
]
