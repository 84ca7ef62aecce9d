"""The meeting's agenda: problems, requests and free topics."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from requests_app.selectors import visible_requests

from .. import permissions
from ..errors import IssueError
from ..models import AgendaItem, events
from ..selectors import visible_problems
from .common import log_meeting, log_problem
from .meetings import check, lock


def agenda_problem(meeting, problem, *, by, position, proposed, now) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting, position=position, problem=problem, proposed=proposed
    )
    log_problem(
        problem,
        events.PROBLEM_ON_AGENDA,
        by=by,
        at=now,
        data={"meeting": meeting.pk, "title": meeting.title},
    )
    return item


def add_agenda_item(*, meeting, by, problem=None, request=None, title="", now=None) -> AgendaItem:
    now = now or timezone.now()
    title = (title or "").strip()
    if sum(bool(x) for x in (problem, request, title)) != 1:
        raise IssueError(gettext("Choose a problem, a request or write a topic."), field="title")
    if problem is not None and not visible_problems(by).filter(pk=problem.pk).exists():
        raise IssueError(gettext("Choose a problem you can see."), field="problem")
    if request is not None and not visible_requests(by).filter(pk=request.pk).exists():
        raise IssueError(gettext("Choose a request you can see."), field="request")
    with transaction.atomic():
        meeting = lock(meeting)
        check(
            permissions.can_edit_meeting(by, meeting), permissions.can_manage_meetings(by), meeting
        )
        duplicate = meeting.agenda.filter(problem=problem) if problem else None
        if request is not None:
            duplicate = meeting.agenda.filter(request=request)
        if duplicate is not None and duplicate.exists():
            raise IssueError(gettext("This is already on the agenda."), field="problem")
        position = (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
        if problem is not None:
            item = agenda_problem(
                meeting, problem, by=by, position=position, proposed=False, now=now
            )
        else:
            item = AgendaItem.objects.create(
                meeting=meeting, position=position, request=request, title=title
            )
        log_meeting(
            meeting,
            events.MEETING_AGENDA_ADDED,
            by=by,
            at=now,
            data={"problem": getattr(problem, "pk", None), "request": getattr(request, "pk", None)},
        )
    return item
