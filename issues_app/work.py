"""My work: what problems and meetings wait on a person. A fixed number of queries."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.inbox import WorkItem
from collab.org.roles import roles_of

from .models import (
    Grade,
    Meeting,
    MeetingKind,
    MeetingState,
    ProblemDepartment,
    ProblemState,
)
from .selectors import open_actions_of, visible_problems
from .services.common import end_of_office_day


def _problem_url(pk) -> str:
    return reverse("issues:problem", args=[pk])


def _meeting_url(pk) -> str:
    return reverse("issues:meeting", args=[pk])


def _owner_action(problem) -> str:
    if problem.grade == Grade.GENERAL:
        return gettext("Settle it with the departments concerned")
    if problem.grade == Grade.IMPORTANT:
        return gettext("Convene a coordination meeting and record the solution")
    if problem.due_at is None:
        return gettext("Hold a special meeting; name the owner and deadline")
    return gettext("Resolve the major problem")


def work_items(user) -> list[WorkItem]:
    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    problem_kind = gettext("Problem")
    items: list[WorkItem] = []
    visible = visible_problems(user)

    def title(p) -> str:
        return f"{p.number} {p.title}"

    if roles.is_secretary:
        for p in visible.filter(state=ProblemState.REPORTED).select_related("request"):
            items.append(
                WorkItem(problem_kind, title(p), _problem_url(p.pk), gettext("Grade it"), None)
            )

    answering = set(roles.headed) | set(roles.liaison_for)
    if answering:
        rows = (
            ProblemDepartment.objects.filter(
                department__in=answering,
                responded_at__isnull=True,
                problem__state__in=[ProblemState.REPORTED, ProblemState.OPEN],
                problem__in=visible.values("pk"),
            )
            .select_related("problem__request", "department")
            .order_by("problem__response_due", "pk")
        )
        for pd in rows:
            p = pd.problem
            items.append(
                WorkItem(
                    problem_kind,
                    title(p),
                    _problem_url(p.pk),
                    gettext("Respond for %(department)s") % {"department": pd.department.code},
                    p.response_due,
                )
            )

    # What the person owns, must confirm or must rule on: one query over the visible
    # problems (the visibility filter is the costly part to build), sorted out here.
    mine = visible.filter(
        Q(state=ProblemState.OPEN, owner=user)
        | Q(state=ProblemState.RESOLVED, reporter=user)
        | Q(state=ProblemState.OPEN, referred_to=user, ruled_at__isnull=True)
    ).select_related("request")
    for p in mine.order_by("pk"):
        if p.state == ProblemState.OPEN and p.owner_id == user.pk:
            items.append(
                WorkItem(
                    problem_kind,
                    title(p),
                    _problem_url(p.pk),
                    _owner_action(p),
                    p.due_at,
                    working_days=True,
                )
            )
        if p.state == ProblemState.RESOLVED and p.reporter_id == user.pk:
            items.append(
                WorkItem(
                    problem_kind,
                    title(p),
                    _problem_url(p.pk),
                    gettext("Confirm the resolution or reopen"),
                    None,
                )
            )
        if p.state == ProblemState.OPEN and p.referred_to_id == user.pk and p.ruled_at is None:
            items.append(
                WorkItem(problem_kind, title(p), _problem_url(p.pk), gettext("Give a ruling"), None)
            )

    action_kind = gettext("Action item")
    for a in open_actions_of(user).select_related("meeting"):
        items.append(
            WorkItem(
                action_kind,
                a.title,
                _meeting_url(a.meeting_id) + f"#action-{a.pk}",
                gettext("Do it and mark it done (%(meeting)s)") % {"meeting": a.meeting.title},
                end_of_office_day(a.deadline),
            )
        )

    meeting_kind = gettext("Meeting")
    if roles.is_secretary:
        due = Meeting.objects.filter(state=MeetingState.SCHEDULED, ends_at__lte=timezone.now())
        for m in due.only("pk", "title", "minutes_due", "starts_at"):
            items.append(
                WorkItem(
                    meeting_kind,
                    m.title,
                    _meeting_url(m.pk),
                    gettext("Write and publish the minutes"),
                    m.minutes_due,
                )
            )
    if roles.is_group_leader:
        unsigned = Meeting.objects.filter(
            kind=MeetingKind.MILESTONE, state=MeetingState.PUBLISHED, signed_off_at__isnull=True
        )
        for m in unsigned.only("pk", "title"):
            items.append(
                WorkItem(
                    meeting_kind, m.title, _meeting_url(m.pk), gettext("Sign the resolution"), None
                )
            )
    return items
