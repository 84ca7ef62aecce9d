"""What the problem ledger, the dossier and the minutes PDF read from the issues app
(read-only, through its visibility selectors).

Problems inherit the visibility of their request (`issues_app.selectors.visible_problems`);
meetings are read through `visible_meetings`, and a linked problem or request the
reader may not see is shown without its title, as on the meeting page."""

from datetime import datetime

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models import When as CaseWhen
from django.utils import timezone
from django.utils.translation import gettext

from collab.workdays import calendar
from issues_app import selectors as issue_selectors
from issues_app.models import (
    ActionItem,
    ActionState,
    AgendaItem,
    Grade,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingState,
    Problem,
    ProblemAttachment,
    ProblemDepartment,
    ProblemState,
)

from .common import when

OPEN_STATES = [ProblemState.REPORTED, ProblemState.OPEN]

PROBLEM_SORTS = {
    "-reported": ("-reported_at", "-pk"),
    "reported": ("reported_at", "pk"),
    "due": (F("due_at").asc(nulls_last=True), "reported_at", "pk"),
    "grade": ("-grade_rank", "-reported_at", "-pk"),
    "number": ("request__number", "seq", "pk"),
    "state": ("state", "-reported_at", "-pk"),
}
DEFAULT_PROBLEM_SORT = "-reported"


def response_late_q(now: datetime) -> Q:
    """Still open past the 2-working-day response limit with a department silent."""
    silent = ProblemDepartment.objects.filter(problem=OuterRef("pk"), responded_at__isnull=True)
    return Q(state__in=OPEN_STATES, response_due__lt=now) & Q(Exists(silent))


def problem_overdue_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return issue_selectors.overdue_q(now) | response_late_q(now)


def problem_ledger(user, *, filters: dict) -> QuerySet[Problem]:
    """Every visible problem matching the ledger's filters, sorted."""
    qs = issue_selectors.visible_problems(user)
    grade = filters.get("grade")
    if grade:
        qs = qs.filter(grade="" if grade == "ungraded" else grade)
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    department = filters.get("department")
    if department:
        concerned = ProblemDepartment.objects.filter(problem=OuterRef("pk"), department=department)
        qs = qs.filter(Q(reporting_department=department) | Q(Exists(concerned)))
    # The period selects problems open in it: reported by its end, not closed before it.
    if filters.get("date_from"):
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(reported_at__date__lte=filters["date_to"])
    if filters.get("overdue"):
        qs = qs.filter(problem_overdue_q())
    sort = filters.get("sort") or DEFAULT_PROBLEM_SORT
    order = PROBLEM_SORTS.get(sort, PROBLEM_SORTS[DEFAULT_PROBLEM_SORT])
    if sort == "grade":
        qs = qs.annotate(
            grade_rank=Case(
                CaseWhen(grade=Grade.MAJOR, then=Value(3)),
                CaseWhen(grade=Grade.IMPORTANT, then=Value(2)),
                CaseWhen(grade=Grade.GENERAL, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    return qs.order_by(*order)


def with_problem_relations(qs: QuerySet[Problem]) -> QuerySet[Problem]:
    return qs.select_related(
        "request", "reporter", "reporting_department", "owner", "task"
    ).prefetch_related(
        Prefetch(
            "departments",
            queryset=ProblemDepartment.objects.select_related("department").order_by(
                "department__code"
            ),
        )
    )


def problem_rows(problems, *, now: datetime | None = None) -> list[dict]:
    """One dict per problem; call inside translation.override for the reader's language."""
    now = now or timezone.now()
    rows = []
    for p in problems:
        departments = list(p.departments.all())
        reasons = []
        if p.overdue:
            reasons.append(gettext("deadline passed"))
        if p.response_overdue:
            reasons.append(gettext("answer late"))
        end = p.closed_at or now
        rows.append(
            {
                "id": p.pk,
                "number": p.number,
                "title": p.title,
                "request_id": p.request_id,
                "request_number": p.request.number or "",
                "task_number": p.task.number if p.task_id else "",
                "grade": p.grade,
                "grade_label": str(p.get_grade_display()) if p.grade else gettext("not graded"),
                "category": str(p.get_category_display()),
                "reporter": p.reporter.name,
                "reporting": p.reporting_department.code if p.reporting_department_id else "",
                "departments": [pd.department.code for pd in departments],
                "responded": [pd.department.code for pd in departments if pd.has_responded],
                "owner": p.owner.name if p.owner_id else "",
                "reported_at": when(p.reported_at),
                "response_due": when(p.response_due),
                "resolve_due": when(p.due_at),
                # On a year's provisional holiday calendar: may move when it is confirmed.
                "response_due_provisional": calendar.is_provisional(p.response_due),
                "resolve_due_provisional": calendar.is_provisional(p.due_at),
                "state": p.state,
                "state_label": str(p.get_state_display()),
                "status_label": str(p.get_status_display()),
                "closed": p.state == ProblemState.CLOSED,
                "resolution": p.resolution,
                "resolved_at": when(p.resolved_at),
                "closed_at": when(p.closed_at),
                "days_open": max(
                    0, (timezone.localdate(end) - timezone.localdate(p.reported_at)).days
                ),
                "overdue": bool(reasons),
                "overdue_reasons": reasons,
            }
        )
    return rows


def problem_summary(rows: list[dict]) -> dict:
    return {
        "total": len(rows),
        "open": sum(1 for r in rows if not r["closed"]),
        "overdue": sum(1 for r in rows if r["overdue"]),
        "major": sum(1 for r in rows if r["grade"] == Grade.MAJOR and not r["closed"]),
        "closed": sum(1 for r in rows if r["closed"]),
    }


def problem_ledger_rows(user, filters: dict) -> list[dict]:
    return problem_rows(with_problem_relations(problem_ledger(user, filters=filters)))


def dossier_problems(request) -> list[dict]:
    """Every problem of a request the caller may see (problems inherit its visibility)."""
    return problem_rows(
        with_problem_relations(Problem.objects.filter(request=request)).order_by("seq")
    )


def problem_files(request) -> list[tuple[str, str, object]]:
    """(folder, name, FieldFile) of the problems' attachments, for the archive ZIP."""
    return [
        (f"{gettext('problems')}/{a.problem.number}", a.original_name, a.file)
        for a in ProblemAttachment.objects.filter(problem__request=request)
        .select_related("problem__request")
        .order_by("problem__seq", "uploaded_at", "pk")
    ]


# --- minutes ---------------------------------------------------------------------------


def _meetings():
    return Meeting.objects.select_related(
        "chair", "request", "published_by", "signed_off_by"
    ).prefetch_related(
        Prefetch(
            "attendees",
            queryset=MeetingAttendee.objects.select_related("user__department").order_by(
                "user__department__code", "user__username"
            ),
        ),
        Prefetch(
            "agenda",
            queryset=AgendaItem.objects.select_related("problem__request", "request"),
        ),
        Prefetch(
            "actions",
            queryset=ActionItem.objects.exclude(state=ActionState.CANCELLED).select_related(
                "owner", "problem__request", "request"
            ),
        ),
    )


def _link(problem, request, *, problems: set | None, requests: set | None) -> str:
    """The number (and title) of what an item is about; hidden from those who may not
    see it. `None` for a set means everything is readable (the request's own dossier)."""
    if problem is not None:
        if problems is None or problem.pk in problems:
            return f"{problem.number} {problem.title}"
        return gettext("(a problem you may not see)")
    if request is not None:
        if requests is None or request.pk in requests:
            return f"{request.number} {request.title}"
        return gettext("(a request you may not see)")
    return ""


def minutes_dict(meeting, *, agenda, actions, problems=None, requests=None) -> dict:
    attendees = list(meeting.attendees.all())
    present = [a for a in attendees if a.present]
    absent = [a for a in attendees if a.present is False]
    local_start = timezone.localtime(meeting.starts_at)
    local_end = timezone.localtime(meeting.ends_at)

    def person(a) -> str:
        code = a.user.department.code if a.user.department_id else ""
        return f"{a.user.name} ({code})" if code else a.user.name

    return {
        "id": meeting.pk,
        "title": meeting.title,
        "type": str(meeting.get_kind_display()),
        "kind": meeting.kind,
        "milestone": str(meeting.get_milestone_stage_display()) if meeting.milestone_stage else "",
        "held_at": f"{local_start:%Y-%m-%d %H:%M}–{local_end:%H:%M}",
        "place": meeting.place,
        "chair": meeting.chair.name,
        "request": _link(None, meeting.request, problems=problems, requests=requests)
        if meeting.request_id
        else "",
        "attendees": [person(a) for a in attendees],
        "present": [person(a) for a in present],
        "absent": [person(a) for a in absent],
        "attendance_recorded": bool(present or absent),
        "summary": meeting.summary,
        "agenda": [
            {
                "topic": _link(i.problem, i.request, problems=problems, requests=requests)
                or i.title,
                "decision": i.decision,
            }
            for i in agenda
        ],
        # The decisions as one text: the dossier's short form and the search index.
        "decisions": "\n".join(i.decision for i in agenda if i.decision),
        "actions": [
            {
                "text": a.title,
                "owner": a.owner.name,
                "deadline": when(a.deadline),
                "linked": _link(a.problem, a.request, problems=problems, requests=requests),
                "state": str(a.get_state_display()),
                "done": a.state == ActionState.DONE,
            }
            for a in actions
        ],
        "published_by": meeting.published_by.name if meeting.published_by_id else "",
        "published_at": when(meeting.published_at),
        "minutes_due": when(meeting.minutes_due),
        "published_late": meeting.minutes_late,
        "needs_sign_off": meeting.kind == MeetingKind.MILESTONE,
        "signed_off_by": meeting.signed_off_by.name if meeting.signed_off_by_id else "",
        "signed_off_at": when(meeting.signed_off_at),
    }


def dossier_minutes(request) -> list[dict]:
    """Published minutes about the request: its milestone meetings in full, and from
    other meetings only the agenda items and action items about it or its problems
    (a weekly meeting discusses many requests; the dossier shows this one's part)."""
    about = Q(request=request) | Q(problem__request=request)
    meetings = (
        _meetings()
        .filter(state=MeetingState.PUBLISHED)
        .filter(
            Q(request=request)
            | Q(Exists(AgendaItem.objects.filter(about, meeting=OuterRef("pk"))))
            | Q(Exists(ActionItem.objects.filter(about, meeting=OuterRef("pk"))))
        )
        .order_by("starts_at", "pk")
    )
    result = []
    for meeting in meetings:
        whole = meeting.request_id == request.pk

        def concerns(item, whole=whole) -> bool:
            if whole or item.request_id == request.pk:
                return True
            return item.problem_id is not None and item.problem.request_id == request.pk

        agenda = [i for i in meeting.agenda.all() if concerns(i)]
        actions = [a for a in meeting.actions.all() if concerns(a)]
        # The dossier's readers may see this request and its problems; anything else a
        # milestone meeting touched is shown without its title.
        own = {
            item.problem_id
            for item in [*agenda, *actions]
            if item.problem_id and item.problem.request_id == request.pk
        }
        result.append(
            minutes_dict(
                meeting, agenda=agenda, actions=actions, problems=own, requests={request.pk}
            )
        )
    return result


def minutes_for_pdf(user, pk: int) -> dict | None:
    """The published minutes of a meeting this person may see, or None."""
    meeting = (
        _meetings()
        .filter(pk__in=issue_selectors.visible_meetings(user).values("pk"))
        .filter(pk=pk, state=MeetingState.PUBLISHED)
        .first()
    )
    if meeting is None:
        return None
    problems, requests = issue_selectors.readable_links(user, meeting)
    return minutes_dict(
        meeting,
        agenda=list(meeting.agenda.all()),
        actions=list(meeting.actions.all()),
        problems=problems,
        requests=requests,
    )
