"""Reads filtered by who may see what, decided in SQL.

Problems inherit the visibility of their request (confidential included): whoever may
see the request sees its problems, nobody else. Meetings are seen by the secretary, the
coordination group leader and administrators, and otherwise by their chair, attendees
and action-item owners; agenda items about a problem or request the reader may not see
are shown without their title."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from collab.org.roles import roles_of
from requests_app.models import State as RequestState
from requests_app.selectors import visible_requests

from .models import (
    ActionItem,
    ActionState,
    AgendaItem,
    Grade,
    Meeting,
    MeetingAttendee,
    MeetingEvent,
    MeetingState,
    Problem,
    ProblemDepartment,
    ProblemEntry,
    ProblemEvent,
    ProblemState,
)

# --- problems ------------------------------------------------------------------------------


def visible_problems(user) -> QuerySet[Problem]:
    if not user.is_authenticated:
        return Problem.objects.none()
    return Problem.objects.filter(request__in=visible_requests(user).values("pk"))


def overdue_q(now) -> Q:
    """Open problems whose limit has passed without the step the grade asks for: the
    answers of every department concerned (general), a recorded solution (important),
    the resolution by the deadline the group leader set (major)."""
    unanswered = ProblemDepartment.objects.filter(problem=OuterRef("pk"), responded_at__isnull=True)
    return Q(state=ProblemState.OPEN, due_at__lte=now) & (
        ~Q(grade=Grade.GENERAL) | Q(Exists(unanswered))
    )


def _departments():
    return Prefetch(
        "departments",
        queryset=ProblemDepartment.objects.select_related("department", "responded_by"),
    )


def problem_list(user, *, filters: dict) -> QuerySet[Problem]:
    qs = visible_problems(user)
    if filters.get("grade"):
        grade = filters["grade"]
        qs = qs.filter(grade="" if grade == "ungraded" else grade)
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    department = filters.get("department")
    if department:
        concerned = ProblemDepartment.objects.filter(problem=OuterRef("pk"), department=department)
        qs = qs.filter(Q(reporting_department=department) | Q(Exists(concerned)))
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(timezone.now()))
    if filters.get("mine"):
        qs = qs.filter(Q(owner=user) | Q(reporter=user))
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(request__number__icontains=q))
    return qs.select_related(
        "request", "reporter", "owner", "reporting_department"
    ).prefetch_related(_departments())


def problem_for_page(user, pk: int) -> Problem | None:
    return (
        visible_problems(user)
        .select_related(
            "request__requesting_department__head",
            "request__requesting_department__leader",
            "reporter",
            "reporting_department",
            "owner",
            "graded_by",
            "resolved_by",
            "closed_by",
            "referred_to",
            "task",
        )
        .prefetch_related(
            _departments(),
            Prefetch(
                "entries", queryset=ProblemEntry.objects.select_related("author", "department")
            ),
            Prefetch("attachments"),
            Prefetch("events", queryset=ProblemEvent.objects.select_related("actor")),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("meeting").order_by(
                    "meeting__starts_at"
                ),
            ),
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "meeting")),
        )
        .filter(pk=pk)
        .first()
    )


def problems_of_request(user, request) -> list[Problem]:
    return list(
        visible_problems(user)
        .filter(request=request)
        .select_related("request", "owner", "task")
        .prefetch_related(_departments())
        .order_by("seq")
    )


def problems_of_task(user, task) -> list[Problem]:
    return list(
        visible_problems(user)
        .filter(task=task)
        .select_related("request", "owner")
        .prefetch_related(_departments())
        .order_by("seq")
    )


def proposed_agenda(user, *, now=None) -> tuple[list[Problem], list]:
    """What the weekly meeting should discuss: the open important and major problems
    and the requests running late, among those the scheduler may see."""
    now = now or timezone.now()
    problems = list(
        visible_problems(user)
        .filter(
            state__in=[ProblemState.REPORTED, ProblemState.OPEN],
            grade__in=[Grade.IMPORTANT, Grade.MAJOR],
        )
        .select_related("request")
        .order_by("-grade", "due_at", "pk")
    )
    late = list(
        visible_requests(user)
        .filter(state=RequestState.IN_PROGRESS, deadline__lt=timezone.localdate(now))
        .order_by("deadline", "pk")
    )
    return problems, late


# --- meetings ------------------------------------------------------------------------------


def sees_all_meetings(user) -> bool:
    roles = roles_of(user)
    return roles.is_secretary or roles.is_admin or roles.is_group_leader


def visible_meetings(user) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    if sees_all_meetings(user):
        return Meeting.objects.all()
    attending = MeetingAttendee.objects.filter(meeting=OuterRef("pk"), user=user)
    acting = ActionItem.objects.filter(meeting=OuterRef("pk"), owner=user)
    return Meeting.objects.filter(Q(chair=user) | Q(Exists(attending)) | Q(Exists(acting)))


MEETING_VIEWS = ("upcoming", "past", "minutes_due")


def meeting_list(user, *, view: str, now=None) -> QuerySet[Meeting]:
    now = now or timezone.now()
    qs = visible_meetings(user).select_related("chair", "request", "published_by")
    if view == "past":
        qs = qs.filter(Q(ends_at__lte=now) | ~Q(state=MeetingState.SCHEDULED))
        qs = qs.order_by("-starts_at", "-pk")
    elif view == "minutes_due":
        qs = qs.filter(state=MeetingState.SCHEDULED, ends_at__lte=now).order_by("minutes_due", "pk")
    else:
        qs = qs.filter(state=MeetingState.SCHEDULED, ends_at__gt=now).order_by("starts_at", "pk")
    return qs.annotate(
        agenda_count=Count("agenda", distinct=True),
        attendee_count=Count("attendees", distinct=True),
    )


def meeting_for_page(user, pk: int) -> Meeting | None:
    return (
        visible_meetings(user)
        .select_related("chair", "request", "series", "published_by", "signed_off_by", "created_by")
        .prefetch_related(
            Prefetch("attendees", queryset=MeetingAttendee.objects.select_related("user")),
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("problem__request", "request"),
            ),
            Prefetch(
                "actions",
                queryset=ActionItem.objects.select_related(
                    "owner", "problem__request", "request", "done_by"
                ),
            ),
            Prefetch("events", queryset=MeetingEvent.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )


def readable_links(user, meeting) -> tuple[set[int], set[int]]:
    """Which of the meeting's linked problems and requests this reader may see."""
    problem_ids = {i.problem_id for i in meeting.agenda.all() if i.problem_id}
    problem_ids |= {a.problem_id for a in meeting.actions.all() if a.problem_id}
    request_ids = {i.request_id for i in meeting.agenda.all() if i.request_id}
    request_ids |= {a.request_id for a in meeting.actions.all() if a.request_id}
    if meeting.request_id:
        request_ids.add(meeting.request_id)
    problems = (
        set(visible_problems(user).filter(pk__in=problem_ids).values_list("pk", flat=True))
        if problem_ids
        else set()
    )
    requests = (
        set(visible_requests(user).filter(pk__in=request_ids).values_list("pk", flat=True))
        if request_ids
        else set()
    )
    return problems, requests


def open_actions_of(user) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(
        owner=user, state=ActionState.OPEN, meeting__state=MeetingState.PUBLISHED
    )
