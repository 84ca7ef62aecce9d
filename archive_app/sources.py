"""What the ledgers and the dossier take from the tasks and issues apps.

Those apps own their data and their visibility rules; the archive only reads through
their selectors. Each function here names the selector it expects and answers "nothing
yet" while that app has not shipped it, so the ledgers work from day one and fill in
as tasks and problems land.

Contracts (plain, JSON-friendly values; one or two queries whatever the count):

- ``tasks_app.selectors.progress_by_request(request_ids)`` →
  ``{request_id: {"total": int, "done": int, "percent": int, "overdue": bool}}``
- ``tasks_app.selectors.dossier_tasks(request)`` → list of dicts with keys
  ``number, name, owner, collaborators, priority, state, started, planned_finish,
  finished, progress_log: [{"date", "text", "by"}], deliverables: [str],
  problems: [str], acceptance: [{"round", "result", "comment", "by", "at"}]``
- ``tasks_app.selectors.dossier_ratings(request)`` → list of dicts with keys
  ``department, speed, professionalism, cooperation, remarks, by, at``
- ``tasks_app.selectors.deliverable_files(request)`` → list of ``(name, FieldFile)``
- ``issues_app.selectors.problem_ledger_rows(user, filters)`` → list of dicts with keys
  ``number, title, request_number, grade, grade_label, category, owner, reported_at,
  response_due, resolve_due, state, state_label, resolution, days_open, overdue``
- ``issues_app.selectors.dossier_problems(request)`` → same dicts as above
- ``issues_app.selectors.dossier_minutes(request)`` → list of dicts with keys
  ``title, type, held_at, place, chair, attendees, agenda, decisions, actions``
- ``issues_app.selectors.minutes_for_pdf(user, pk)`` → one such dict, or None if the
  person may not see it
"""

import importlib


def _selector(app: str, name: str):
    try:
        module = importlib.import_module(f"{app}.selectors")
    except ModuleNotFoundError:
        return None
    return getattr(module, name, None)


def task_progress(request_ids) -> dict:
    fn = _selector("tasks_app", "progress_by_request")
    return fn(list(request_ids)) if fn else {}


def dossier_tasks(request) -> list[dict]:
    fn = _selector("tasks_app", "dossier_tasks")
    return list(fn(request)) if fn else []


def dossier_ratings(request) -> list[dict]:
    fn = _selector("tasks_app", "dossier_ratings")
    return list(fn(request)) if fn else []


def deliverable_files(request) -> list:
    fn = _selector("tasks_app", "deliverable_files")
    return list(fn(request)) if fn else []


def problem_ledger_rows(user, filters: dict) -> list[dict]:
    fn = _selector("issues_app", "problem_ledger_rows")
    return list(fn(user, filters)) if fn else []


def dossier_problems(request) -> list[dict]:
    fn = _selector("issues_app", "dossier_problems")
    return list(fn(request)) if fn else []


def dossier_minutes(request) -> list[dict]:
    fn = _selector("issues_app", "dossier_minutes")
    return list(fn(request)) if fn else []


def minutes_for_pdf(user, pk: int) -> dict | None:
    fn = _selector("issues_app", "minutes_for_pdf")
    return fn(user, pk) if fn else None


def problems_available() -> bool:
    return _selector("issues_app", "problem_ledger_rows") is not None
