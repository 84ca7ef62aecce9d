"""What the problem and meeting services share: the timeline, working-day limits and
attachment checks."""

import datetime

from django.contrib.auth import get_user_model

from collab.workdays import calendar
from collab.workdays.calendar import end_of_office_day as end_of_office_day

from ..errors import IssueError
from ..models import MeetingEvent, ProblemEvent

deny = IssueError.denied


def log_problem(problem, verb, *, by, comment="", data=None, at=None) -> ProblemEvent:
    return ProblemEvent.record(verb, by=by, comment=comment, data=data, at=at, problem=problem)


def log_meeting(meeting, verb, *, by, comment="", data=None, at=None) -> MeetingEvent:
    return MeetingEvent.record(verb, by=by, comment=comment, data=data, at=at, meeting=meeting)


def add_working_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    try:
        return calendar.add_working_days(moment, days)
    except calendar.WorkdaysError as error:
        raise IssueError(str(error)) from None


def secretaries() -> list:
    return list(get_user_model().objects.filter(is_secretary=True, is_active=True).order_by("pk"))
