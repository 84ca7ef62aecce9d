"""The request dossier as a snapshot: the filled request form (登记表) with the
e-signatures, the task follow-up table (跟进表), acceptance rounds, ratings, problems,
minutes, the completion report and the timeline.

Built inside translation.override for the reader's language; plain values only, so it
can be hashed (the cache key) and rendered by the worker."""

from django.utils import timezone
from django.utils.translation import gettext

from collab.workdays import calendar
from requests_app.models import State
from requests_app.selectors import request_for_page

from . import sources
from .models import CompletionReport


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _signature(user, at) -> dict | None:
    if user is None:
        return None
    return {"name": user.name, "at": _when(at)}


def dossier_snapshot(user, pk: int) -> dict | None:
    """The dossier of one request the person may see, or None."""
    obj = request_for_page(user, pk)
    if obj is None:
        return None
    return build_snapshot(obj)


def _due(value) -> dict | None:
    """A working-day deadline and whether it falls in a year whose holiday calendar is
    still provisional (the PDF footnotes it: it may move when the year is confirmed)."""
    if value is None:
        return None
    return {"at": _when(value), "provisional": calendar.is_provisional(value)}


def _department_dues(obj, rd) -> dict:
    """The department's running working-day deadlines, as the request page shows them."""
    waiting = obj.state == State.AWAITING_CONFIRMATION and rd.is_pending and not rd.acknowledged
    return {
        "acknowledge_due": _due(rd.acknowledge_due) if waiting else None,
        "breakdown_due": _due(rd.breakdown_due) if obj.state == State.IN_PROGRESS else None,
    }


def _any_provisional(snapshot: dict) -> bool:
    request = snapshot["request"]
    dues = [request["step_due"]]
    for d in snapshot["departments"]:
        dues += [d["acknowledge_due"], d["breakdown_due"]]
    dues += [a["feedback_due"] for t in snapshot["tasks"] for a in t["acceptance"]]
    return any(due and due["provisional"] for due in dues) or any(
        p["response_due_provisional"] or p["resolve_due_provisional"] for p in snapshot["problems"]
    )


def build_snapshot(obj) -> dict:
    departments = list(obj.departments.all())
    report = (
        CompletionReport.objects.filter(request=obj)
        .select_related("drafted_by", "decided_by")
        .first()
    )
    snapshot = {
        "title": gettext("Collaboration request dossier"),
        "request": {
            "id": obj.pk,
            "number": obj.number or "",
            "title": obj.title,
            "type": str(obj.get_type_display()),
            "state": str(obj.get_state_display()),
            "priority": str(obj.get_priority_display()),
            "confidentiality": str(obj.get_confidentiality_display()),
            "is_confidential": obj.is_confidential,
            "requesting": f"{obj.requesting_department.code} {obj.requesting_department.name}",
            "requester": obj.requester.name,
            "phone": obj.contact_phone,
            "external_partner": obj.external_partner,
            "background_goal": obj.background_goal,
            "content_deliverables": obj.content_deliverables,
            "start_date": _when(obj.start_date),
            "deadline": _when(obj.deadline),
            "resource_needs": obj.resource_needs,
            "expected_benefit": obj.expected_benefit,
            "usage_period": obj.usage_period,
            "submitted": _when(obj.submitted_at),
            "step_due": _due(obj.step_due_at),
            "head_signature": _signature(obj.head_signed_by, obj.head_signed_at),
            "leader_signature": _signature(obj.leader_signed_by, obj.leader_signed_at),
        },
        "departments": [
            {
                "department": f"{rd.department.code} {rd.department.name}",
                "contact": rd.contact.name,
                "answer": str(rd.get_answer_display()),
                "answer_text": rd.answer_text,
                "answered_by": rd.answered_by.name if rd.answered_by else "",
                "answered_at": _when(rd.answered_at),
                "head_signature": _signature(rd.head_signed_by, rd.head_signed_at)
                if rd.head_signed_by_id
                else None,
                **_department_dues(obj, rd),
            }
            for rd in departments
        ],
        "milestones": [
            {"date": _when(m.date), "text": m.description} for m in obj.milestones.all()
        ],
        "attachments": [
            {"name": a.original_name, "size": a.size, "by": a.uploaded_by.name}
            for a in obj.attachments.all()
        ],
        "tasks": sources.dossier_tasks(obj),
        "ratings": sources.dossier_ratings(obj),
        "problems": sources.dossier_problems(obj),
        "minutes": sources.dossier_minutes(obj),
        "report": _report(report),
        "events": [
            {
                "at": _when(e.at),
                "who": e.actor.name if e.actor else gettext("system"),
                "what": e.label,
                "comment": e.comment,
            }
            for e in obj.events.all()
        ],
    }
    snapshot["any_provisional"] = _any_provisional(snapshot)
    return snapshot


def _report(report) -> dict | None:
    if report is None:
        return None
    return {
        "state": str(report.get_state_display()),
        "approved": report.state == "approved",
        "work_done": report.work_done,
        "results": report.results,
        "open_problems": report.open_problems,
        "suggestions": report.suggestions,
        "drafted_by": report.drafted_by.name,
        "drafted_at": _when(report.drafted_at),
        "decided_by": report.decided_by.name if report.decided_by else "",
        "decided_at": _when(report.decided_at),
        "comment": report.decision_comment,
    }
