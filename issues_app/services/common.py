"""What the problem and meeting services share: the timeline, notifications after
commit, working-day limits and attachment checks."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.files import upload_error
from collab.workdays import calendar

from ..errors import IssueError
from ..models import MeetingEvent, ProblemEvent


def deny() -> IssueError:
    return IssueError(gettext("You are not allowed to do this."))


def log_problem(problem, verb, *, by, comment="", data=None, at=None) -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem,
        verb=verb,
        actor=by,
        comment=comment or "",
        data=data or {},
        at=at or timezone.now(),
    )


def log_meeting(meeting, verb, *, by, comment="", data=None, at=None) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=meeting,
        verb=verb,
        actor=by,
        comment=comment or "",
        data=data or {},
        at=at or timezone.now(),
    )


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    try:
        return calendar.add_working_days(moment, days)
    except calendar.WorkdaysError as error:
        raise IssueError(str(error)) from None


def end_of_office_day(day: datetime.date) -> datetime.datetime:
    """An action item due on a date is due when the office closes that day."""
    _opens, closes = calendar.office_hours()
    return timezone.make_aware(datetime.datetime.combine(day, closes))


def secretaries() -> list:
    return list(get_user_model().objects.filter(is_secretary=True, is_active=True).order_by("pk"))


def _ids(recipients) -> list[int]:
    ids = []
    for r in recipients:
        pk = getattr(r, "pk", r)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def queue_notification(*, recipients, event, template, context, url, problem_id=None) -> None:
    """Tell people after the transaction commits. Notifications about a problem only go
    to people who may see it: a confidential request's title must not leak by e-mail."""
    ids = _ids(recipients)
    if not ids:
        return

    def send():
        from collab.notify.services import notify

        from ..selectors import visible_problems

        users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
        if problem_id is not None:
            users = [u for u in users if visible_problems(u).filter(pk=problem_id).exists()]
        notify(recipients=users, event=event, template=template, context=context, url=url)

    transaction.on_commit(send)


def validate_attachment(upload) -> None:
    message = upload_error(upload)
    if message:
        raise IssueError(message, field="attachments")
