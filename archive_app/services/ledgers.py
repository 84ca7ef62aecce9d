"""The progress and problem ledgers' snapshots: rows, summary and the filters in
words, taken in the reader's language."""

from django.utils import timezone, translation
from django.utils.translation import gettext

from issues_app.models import Grade, ProblemState
from requests_app.models import State

from .. import selectors, sources

LEDGER_TITLES = {
    "progress": lambda: gettext("Cross-department collaboration progress ledger"),
    "problem": lambda: gettext("Cross-department collaboration problem ledger"),
}


def _filters_text(filters: dict, *, ledger: str = "progress") -> str:
    parts = []
    if filters.get("date_from") or filters.get("date_to"):
        parts.append(
            gettext("Period: %(start)s – %(end)s")
            % {
                "start": filters.get("date_from") or "…",
                "end": filters.get("date_to") or "…",
            }
        )
    if filters.get("department"):
        parts.append(gettext("Department: %(name)s") % {"name": filters["department"].name})
    if filters.get("grade"):
        grade = filters["grade"]
        label = Grade(grade).label if grade in Grade.values else gettext("not graded")
        parts.append(f"{gettext('Grade')}: {label}")
    if filters.get("state"):
        states = ProblemState if ledger == "problem" else State
        parts.append(gettext("State: %(state)s") % {"state": states(filters["state"]).label})
    if filters.get("overdue"):
        parts.append(gettext("Overdue only"))
    if parts or ledger == "problem":
        return " · ".join(parts)
    return gettext("All requests")


def progress_payload(user, *, filters: dict, language: str) -> dict:
    with translation.override(language):
        requests = selectors.with_ledger_relations(selectors.progress_ledger(user, filters=filters))
        rows = selectors.progress_rows(requests)
        return {
            "title": LEDGER_TITLES["progress"](),
            "filters": _filters_text(filters),
            "summary": selectors.ledger_summary(rows),
            "as_of": str(timezone.localdate()),
            "rows": rows,
            "any_provisional": any(r["step_due_provisional"] for r in rows),
        }


def problem_payload(user, *, filters: dict, language: str) -> dict:
    with translation.override(language):
        rows = sources.problem_ledger_rows(user, filters)
        return {
            "title": LEDGER_TITLES["problem"](),
            "filters": _filters_text(filters, ledger="problem"),
            "summary": sources.problem_summary(rows),
            "as_of": str(timezone.localdate()),
            "rows": rows,
            "any_provisional": any(
                r["response_due_provisional"] or r["resolve_due_provisional"] for r in rows
            ),
        }
