"""What every write to a problem shares (DOMAIN §5): the row re-read under a lock,
the explanation of a click that came too late, state changes and notifications
after commit."""

from django.urls import reverse
from django.utils.translation import gettext

from collab.core import workflow
from collab.notify.handoff import notify_on_commit

from ..errors import IssueError
from ..models import Grade, Problem, ProblemEvent, ProblemState, events
from ..selectors import visible_problems
from .common import deny

QUIET_VERBS = [events.PROBLEM_ATTACHMENT, events.PROBLEM_ON_AGENDA]


def problem_url(problem) -> str:
    return reverse("issues:problem", args=[problem.pk])


def stale_error(problem) -> IssueError:
    """Explain a click that came too late: who changed the problem, and when."""
    fresh = Problem.objects.get(pk=problem.pk)
    return workflow.explain_stale(
        ProblemEvent.objects.filter(problem_id=problem.pk).exclude(verb__in=QUIET_VERBS),
        state=fresh.get_state_display(),
        error=IssueError,
        changed=gettext(
            "This problem has changed in the meantime: %(who)s %(what)s at %(when)s; "
            "it is now “%(state)s”."
        ),
        unchanged=gettext("This problem has changed in the meantime; it is now “%(state)s”."),
    )


def locked_problem(problem) -> Problem:
    """The problem re-read under a row lock: decisions are taken on what is stored."""
    return workflow.lock(
        Problem, problem.pk, related=("request__requesting_department", "owner", "reporter")
    )


def check_allowed(allowed: bool, role: bool, problem) -> None:
    if not allowed:
        raise stale_error(problem) if role else deny()


def fire(problem, method_name: str) -> None:
    """The transition only: the caller sets the step's fields, then `save_problem`."""
    workflow.fire(problem, method_name, stale=stale_error, commit=False)


def save_problem(problem) -> None:
    workflow.save(problem, stale=stale_error)


def _context(problem, **extra) -> dict:
    return {
        "number": problem.number,
        "title": problem.title,
        # Lazy labels: rendered in each recipient's language by notify().
        "grade": Grade(problem.grade).label if problem.grade else "",
        "state": ProblemState(problem.state).label,
        **extra,
    }


def tell(problem, recipients, *, event, template, **extra) -> None:
    notify_on_commit(
        recipients=recipients,
        event=event,
        template=f"issues_app/notify/{template}",
        context=_context(problem, **extra),
        url=problem_url(problem),
        visible=visible_problems,
        pk=problem.pk,
    )


def department_people(problem, *, unanswered_only=False) -> list:
    rows = problem.departments.select_related("department__head", "department__liaison")
    if unanswered_only:
        rows = rows.filter(responded_at__isnull=True)
    people = []
    for pd in rows:
        people += [pd.department.head, pd.department.liaison]
    return [p for p in people if p is not None]
