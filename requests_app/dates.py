"""The date rules of a request (start date, deadline, milestones), in one place so that
the form, the API and the services refuse the same dates with the same words.

Pure functions: the caller passes "today" (timezone.localdate(), the office's date)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext

# Requests agreed on the phone or in a meeting are often filed a few days later; such a
# late record is real and keeps its true start date, but only with an explicit
# confirmation and not further back than this.
LATE_RECORDING_DAYS = 30
# A deadline further ahead is almost always a typing error in the year.
HORIZON_YEARS = 3


@dataclass(frozen=True)
class DateProblem:
    """One refused date. `field` is the request field it belongs to; for a milestone it
    is "milestones" and `index` is the milestone's position in the list."""

    field: str
    message: str
    index: int | None = None


def _iso(day: date) -> str:
    return date_format(day, "Y-m-d")


def latest_deadline(today: date) -> date:
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def earliest_late_start(today: date) -> date:
    return today - timedelta(days=LATE_RECORDING_DAYS)


def request_date_problems(
    *,
    start: date | None,
    deadline: date | None,
    milestones=(),
    today: date,
    recorded_late: bool = False,
    stored_start: date | None = None,
) -> list[DateProblem]:
    """Every problem with a request's dates, in field order; empty when they are fine.

    `milestones` is a list of dates (or of (date, description) pairs). `stored_start` is
    the start date already saved on the request being edited, if any: a start date is
    judged against today only when it is new or changed, because time passing does not
    make an accepted start date wrong (a returned request whose start is now in the past
    is resubmitted as it is). The deadline, by contrast, is judged every time: a request
    whose deadline has passed cannot be reviewed or worked on, so it must be moved."""
    problems = []
    if start is not None and start < today and start != stored_start:
        if start < earliest_late_start(today):
            problems.append(
                DateProblem(
                    "start_date",
                    gettext(
                        "A request recorded late can start at most %(days)s days ago "
                        "(not before %(earliest)s)."
                    )
                    % {"days": LATE_RECORDING_DAYS, "earliest": _iso(earliest_late_start(today))},
                )
            )
        elif not recorded_late:
            problems.append(
                DateProblem(
                    "start_date",
                    gettext(
                        "The start date is in the past. Confirm that the request is recorded "
                        "late, or choose today or a later date."
                    ),
                )
            )
    if deadline is not None:
        if deadline < today:
            problems.append(DateProblem("deadline", gettext("The deadline cannot be in the past.")))
        elif start is not None and deadline < start:
            problems.append(
                DateProblem("deadline", gettext("The deadline cannot be before the start date."))
            )
        elif deadline > latest_deadline(today):
            problems.append(
                DateProblem(
                    "deadline",
                    gettext("The deadline can be at most %(years)s years ahead (%(latest)s).")
                    % {"years": HORIZON_YEARS, "latest": _iso(latest_deadline(today))},
                )
            )
    if start is not None and deadline is not None and start <= deadline:
        for index, milestone in enumerate(milestones):
            day = milestone[0] if isinstance(milestone, tuple | list) else milestone
            if day is not None and not start <= day <= deadline:
                problems.append(
                    DateProblem(
                        "milestones",
                        gettext("Milestones must fall between the start date and the deadline."),
                        index=index,
                    )
                )
    return problems
