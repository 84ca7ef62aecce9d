"""The completion report (对接报告): a prefilled draft, its submission to the requesting
head, and the decision that archives the request or sends the report back."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from requests_app import steps as request_steps
from requests_app.models import Request

from .. import permissions
from ..dossier import build_snapshot
from ..errors import ArchiveError
from ..models import CompletionReport
from .archiving import archive
from .common import REPORT_FIELDS, notify


def _locked_report(request) -> CompletionReport | None:
    return CompletionReport.objects.select_for_update().filter(request=request).first()


def report_prefill(request) -> dict:
    """A first draft from the data: the request, its tasks and its open problems."""
    snapshot = build_snapshot(request)
    tasks = snapshot["tasks"]
    lines = [f"{request.number} {request.title}", request.content_deliverables]
    lines += [f"- {t.get('number', '')} {t.get('name', '')}: {t.get('state', '')}" for t in tasks]
    results = [f"- {m['date']} {m['text']}" for m in snapshot["milestones"]]
    results += [
        f"- {r.get('department', '')}: {r.get('speed', '')}/{r.get('professionalism', '')}/"
        f"{r.get('cooperation', '')}"
        for r in snapshot["ratings"]
    ]
    problems = [
        f"- {p.get('number', '')} {p.get('title', '')} ({p.get('state_label', '')})"
        for p in snapshot["problems"]
        if not p.get("closed")
    ]
    return {
        "work_done": "\n".join(line for line in lines if line),
        "results": "\n".join(results),
        "open_problems": "\n".join(problems),
        "suggestions": "",
    }


def save_report(*, request, by, fields: dict, submit: bool = False) -> CompletionReport:
    """Create or edit the draft; `submit` sends it to the requesting head."""
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        report = _locked_report(request)
        if not permissions.can_draft_report(by, request, report):
            raise ArchiveError(gettext("You cannot edit this completion report now."))
        for name in ("work_done", "results"):
            if not (fields.get(name) or "").strip():
                raise ArchiveError(gettext("This field is required."), field=name)
        if report is None:
            report = CompletionReport(request=request, drafted_by=by)
        for name in REPORT_FIELDS:
            setattr(report, name, (fields.get(name) or "").strip())
        report.drafted_by = by
        if submit:
            report.submit()
            report.submitted_at = timezone.now()
        report.save()
        if submit:
            request_steps.report_step(
                request=request, step=request_steps.REPORT_APPROVAL, now=report.submitted_at
            )
            notify(
                request,
                [request.requesting_department.head],
                "archive.report.submitted",
                "report_submitted",
            )
    return report


def decide_report(*, request, by, approve: bool, comment: str = "") -> CompletionReport:
    """The requesting head approves (which archives the request) or sends it back."""
    try:
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=request.pk)
            report = _locked_report(request)
            if not permissions.can_decide_report(by, request, report):
                raise _stale_or_denied(by, request, report)
            if not approve and not comment.strip():
                raise ArchiveError(gettext("Say what should change."), field="comment")
            (report.approve if approve else report.send_back)()
            report.decided_by = by
            report.decided_at = timezone.now()
            report.decision_comment = comment.strip()
            report.save()
            if approve:
                archive(request=request, by=by)
            else:
                request_steps.report_step(
                    request=request, step=request_steps.REPORT_DRAFT, now=report.decided_at
                )
                notify(request, [report.drafted_by], "archive.report.returned", "report_returned")
    except (TransitionNotAllowed, ConcurrentTransition):
        raise _stale_or_denied(by, request, None) from None
    return report


def _stale_or_denied(by, request, report) -> ArchiveError:
    report = CompletionReport.objects.filter(request=request).select_related("decided_by").first()
    if report and report.decided_by and permissions.is_requesting_head(by, request):
        return ArchiveError(
            gettext("Already decided by %(name)s.") % {"name": report.decided_by.name}
        )
    return ArchiveError(gettext("You cannot decide on this completion report."))


def report_url(request) -> str:
    return reverse("archive:report", args=[request.pk])
