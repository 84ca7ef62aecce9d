"""Reads for the ledgers and the archive, filtered by visibility in SQL.

The ledgers reuse `requests_app.selectors.visible_requests`: the secretary sees every
submitted request, everyone else what they may see on the Requests page. Rows are
plain, JSON-friendly dicts so the screen, the PDF and the Excel file show the same
thing and a snapshot can travel to the worker."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.inbox import WorkItem
from collab.notify import lateness
from collab.org.roles import roles_of
from collab.workdays import calendar
from requests_app.models import Clarification, Request, RequestDepartment, State
from requests_app.models.choices import OPEN_STATES
from requests_app.presenters import next_steps
from requests_app.selectors import visible_requests

from . import permissions, sources
from .models import ArchiveRecord, CompletionReport, ReportState

LEDGER_STATES = [s for s in State if s != State.DRAFT]
ACTIVE_STATES = [s for s in OPEN_STATES if s != State.DRAFT]

SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "deadline": ("deadline", "number"),
    "-deadline": ("-deadline", "number"),
    "department": ("requesting_department__code", "number"),
    "state": ("state", "number"),
    "submitted": ("submitted_at", "number"),
    "-submitted": ("-submitted_at", "-number"),
}
DEFAULT_SORT = "-submitted"


def overdue_q(*, now: datetime | None = None) -> Q:
    """Overdue in SQL, the same rule `progress_rows` applies per row."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late_answer = RequestDepartment.objects.filter(
        request=OuterRef("pk"),
        answer="pending",
        response_due__lt=now,
        clock_paused_at__isnull=True,  # waiting for the requester's answer: not late
    )
    late_question = Clarification.objects.filter(
        request=OuterRef("pk"), answered_at__isnull=True, answer_due__lt=now
    )
    late_breakdown = RequestDepartment.objects.filter(request=OuterRef("pk"), breakdown_due__lt=now)
    return (
        Q(state__in=ACTIVE_STATES, deadline__lt=today)
        | Q(state=State.AWAITING_CONFIRMATION) & (Q(Exists(late_answer)) | Q(Exists(late_question)))
        # Step due times are cleared when the request leaves the step.
        | Q(step_due_at__lt=now)
        | Q(state=State.IN_PROGRESS) & Q(Exists(late_breakdown))
    )


def progress_ledger(user, *, filters: dict) -> QuerySet[Request]:
    """Every visible submitted request matching the ledger's filters, sorted."""
    qs = visible_requests(user).filter(submitted_at__isnull=False)
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    department = filters.get("department")
    if department:
        addressed = RequestDepartment.objects.filter(request=OuterRef("pk"), department=department)
        qs = qs.filter(Q(requesting_department=department) | Q(Exists(addressed)))
    # The period selects requests running in it: started by its end, due after its start.
    if filters.get("date_from"):
        qs = qs.filter(deadline__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(start_date__lte=filters["date_to"])
    if filters.get("overdue"):
        qs = qs.filter(overdue_q())
    order = SORTS.get(filters.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return qs.order_by(*order, "-pk")


def with_ledger_relations(qs: QuerySet[Request]) -> QuerySet[Request]:
    return qs.select_related(
        "requester",
        "requesting_department__head",
        "requesting_department__leader",
        "completion_report",
    ).prefetch_related(
        Prefetch(
            "departments",
            queryset=RequestDepartment.objects.select_related(
                "department__head", "contact"
            ).order_by("pk"),
        ),
        "milestones",
        Prefetch(
            "clarifications",
            queryset=Clarification.objects.filter(answered_at__isnull=True).select_related(
                "request_department__department"
            ),
        ),
    )


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _report_step(obj) -> list[tuple[str, str]]:
    report = getattr(obj, "completion_report", None)
    lead = lead_department_of(obj)
    if report is None or report.state in (ReportState.DRAFT, ReportState.RETURNED):
        who = lead.department.code if lead else ""
        return [(who, gettext("draft the completion report"))]
    if report.state == ReportState.SUBMITTED:
        head = obj.requesting_department.head
        who = f"{obj.requesting_department.code} · {head.name if head else ''}"
        return [(who, gettext("approve the completion report"))]
    return []


def lead_department_of(obj):
    """The lead department: the first department addressed on the form."""
    departments = sorted(obj.departments.all(), key=lambda rd: rd.pk)
    return departments[0] if departments else None


def progress_rows(requests, *, now: datetime | None = None) -> list[dict]:
    """One dict per request; call inside translation.override for the reader's language."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    requests = list(requests)
    progress = sources.task_progress(r.pk for r in requests)
    explained = lateness.reasons_for(f"request:{r.pk}" for r in requests)
    rows = []
    for obj in requests:
        departments = list(obj.departments.all())
        clarifications = list(obj.clarifications.all())
        if obj.state == State.COMPLETED:
            steps = _report_step(obj)
        else:
            steps = [
                (s.who, s.what)
                for s in next_steps(obj, departments, clarifications)
                if obj.state in ACTIVE_STATES
            ]
        reasons = []
        active = obj.state in ACTIVE_STATES
        if active and obj.deadline < today:
            reasons.append(gettext("deadline passed"))
        if obj.state == State.AWAITING_CONFIRMATION:
            if any(
                rd.is_pending and not rd.clock_paused and rd.response_due and rd.response_due < now
                for rd in departments
            ):
                reasons.append(gettext("answer late"))
            if any(c.answer_due < now for c in clarifications):
                reasons.append(gettext("question unanswered"))
        step_late = bool(obj.step_due_at and obj.step_due_at < now)
        if step_late:
            reasons.append(gettext("step late"))
        if obj.state == State.IN_PROGRESS and any(
            rd.breakdown_due and rd.breakdown_due < now for rd in departments
        ):
            reasons.append(gettext("breakdown late"))
        task = progress.get(obj.pk)
        if task and task.get("overdue") and active:
            reasons.append(gettext("task late"))
        milestones = [
            {"date": m.date.isoformat(), "text": m.description, "passed": m.date < today}
            for m in obj.milestones.all()
        ]
        rows.append(
            {
                "id": obj.pk,
                "number": obj.number or "",
                "title": obj.title,
                "requesting": obj.requesting_department.code,
                "requesting_name": obj.requesting_department.name,
                "requester": obj.requester.name,
                "addressed": [rd.department.code for rd in departments],
                "addressed_names": [rd.department.name for rd in departments],
                "state": obj.state,
                "state_label": str(obj.get_state_display()),
                "step": "; ".join(dict.fromkeys(what for _who, what in steps)),
                "holder": "; ".join(who for who, _what in steps if who),
                "milestones": milestones,
                "progress": task.get("percent") if task else None,
                "tasks_done": task.get("done") if task else None,
                "tasks_total": task.get("total") if task else None,
                "tasks_late": task.get("late") if task else None,
                "priority": str(obj.get_priority_display()),
                "start_date": _iso(obj.start_date),
                "deadline": _iso(obj.deadline),
                "submitted": _iso(obj.submitted_at),
                "step_due": _iso(obj.step_due_at),
                "step_due_provisional": calendar.is_provisional(obj.step_due_at),
                "step_late": step_late,
                "overdue": bool(reasons),
                "overdue_reasons": reasons,
                # Reasons for delays given by the people responsible (DOMAIN §8).
                "late_reasons": [
                    {
                        "person": reason.person.name,
                        "due": _iso(reason.due_at),
                        "reason": reason.reason,
                        "given": _iso(reason.given_at),
                    }
                    for reason in explained.get(f"request:{obj.pk}", [])
                ],
            }
        )
    return rows


def ledger_summary(rows: list[dict]) -> dict:
    return {
        "total": len(rows),
        "active": sum(1 for r in rows if r["state"] in ACTIVE_STATES),
        "overdue": sum(1 for r in rows if r["overdue"]),
        "completed": sum(1 for r in rows if r["state"] in (State.COMPLETED, State.ARCHIVED)),
    }


# --- completion reports ---------------------------------------------------------------


def report_for(request) -> CompletionReport | None:
    return (
        CompletionReport.objects.filter(request=request)
        .select_related("drafted_by", "decided_by")
        .first()
    )


# --- archive ----------------------------------------------------------------------------


def visible_archive(user) -> QuerySet[ArchiveRecord]:
    return ArchiveRecord.objects.filter(request__in=visible_requests(user).values("pk"))


def archive_search(user, *, filters: dict) -> QuerySet[ArchiveRecord]:
    qs = visible_archive(user)
    q = (filters.get("q") or "").strip()
    if q:
        for word in q.split()[:8]:
            qs = qs.filter(
                Q(number__icontains=word)
                | Q(title__icontains=word)
                | Q(search_text__icontains=word)
            )
    department = filters.get("department")
    if department:
        addressed = RequestDepartment.objects.filter(
            request=OuterRef("request_id"), department=department
        )
        qs = qs.filter(Q(department=department) | Q(Exists(addressed)))
    if filters.get("date_from"):
        qs = qs.filter(filed_on__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(filed_on__lte=filters["date_to"])
    return qs.select_related("department", "request").order_by(
        "department__code", "-filed_on", "number"
    )


def archive_record_for(user, pk: int) -> ArchiveRecord | None:
    return (
        visible_archive(user)
        .select_related("department", "request__requesting_department", "archived_by", "dossier")
        .filter(pk=pk)
        .first()
    )


# --- My work ----------------------------------------------------------------------------


def work_items(user) -> list:
    """Completion reports waiting on this person: to draft, or to approve."""
    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    items = []
    kind = gettext("Completion report")
    waiting = (
        visible_requests(user)
        .filter(state=State.COMPLETED)
        .select_related("completion_report")
        .prefetch_related("departments")
    )
    if not (roles.headed or roles.liaison_for):
        waiting = waiting.filter(departments__contact=user).distinct()
    for obj in waiting:
        report = getattr(obj, "completion_report", None)
        url = reverse("archive:report", args=[obj.pk])
        title = f"{obj.number} {obj.title}"
        if permissions.can_draft_report(user, obj, report):
            items.append(
                WorkItem(
                    kind,
                    title,
                    url,
                    gettext("Draft the completion report"),
                    obj.step_due_at,
                    working_days=True,
                )
            )
        elif permissions.can_decide_report(user, obj, report):
            items.append(
                WorkItem(
                    kind,
                    title,
                    url,
                    gettext("Approve the completion report"),
                    obj.step_due_at,
                    working_days=True,
                )
            )
    return items
