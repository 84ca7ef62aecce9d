"""Deleting an archived request after its retention date, with everything filed with it.

Tasks, problems, ratings and milestone meetings point at the request with PROTECT, and
problems point at tasks with PROTECT, so the order matters:

1. other meetings' agenda and action items about the request or its problems are
   detached (their minutes stay readable: the agenda item keeps the number and title
   as text) — those meetings are not part of this request's file;
2. the request's own meetings (milestone meetings) go, with their agenda, attendance
   and action items;
3. its problems go (responses, entries, attachments and timeline cascade);
4. its department ratings go;
5. its tasks go (progress log, rounds, deliverables and timeline cascade);
6. the request itself goes (departments, milestones, attachments, events, grants).

Reminders still waiting about any of these are cancelled, so no sweep looks for them.
The caller runs this inside its transaction and removes the returned files after
commit; simple-history keeps its deletion entries."""

import logging

from django.db.models import Q
from django.utils import timezone

from collab.notify.models import Reminder
from issues_app import reminders as issue_reminders
from issues_app.models import ActionItem, AgendaItem, Meeting, Problem, ProblemAttachment
from tasks_app import reminders as task_reminders
from tasks_app.models import AcceptanceRound, Deliverable, DepartmentRating, ProgressFile, Task

logger = logging.getLogger(__name__)


def _cancel_reminders(kinds: list[str], ids) -> None:
    ids = list(ids)
    if ids:
        Reminder.objects.filter(
            kind__in=kinds,
            target_id__in=ids,
            sent_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=timezone.now())


def delete_request_tree(request) -> list:
    """Delete the request and what hangs off it; returns the stored files to remove."""
    files = [a.file for a in request.attachments.all()]
    files += [d.file for d in Deliverable.objects.filter(task__request=request).exclude(file="")]
    files += [f.file for f in ProgressFile.objects.filter(entry__task__request=request)]
    files += [a.file for a in ProblemAttachment.objects.filter(problem__request=request)]

    problem_ids = list(Problem.objects.filter(request=request).values_list("pk", flat=True))
    about = Q(request=request) | Q(problem__in=problem_ids)
    own_meetings = Meeting.objects.filter(request=request)

    # 1. Other meetings keep their minutes; the items lose the link, not their meaning.
    for item in (
        AgendaItem.objects.filter(about)
        .exclude(meeting__in=own_meetings)
        .select_related("problem__request", "request")
    ):
        subject = item.problem if item.problem_id else item.request
        label = f"{subject.number} {subject.title}" if subject else item.title
        AgendaItem.objects.filter(pk=item.pk).update(
            title=(item.title or label)[:200], problem=None, request=None
        )
    detached_actions = ActionItem.objects.filter(about).exclude(meeting__in=own_meetings)
    detached_actions.update(problem=None, request=None)

    # 2. The request's own meetings.
    meeting_ids = list(own_meetings.values_list("pk", flat=True))
    action_ids = list(
        ActionItem.objects.filter(meeting__in=meeting_ids).values_list("pk", flat=True)
    )
    _cancel_reminders([issue_reminders.MINUTES_KIND, issue_reminders.ANNOUNCE_KIND], meeting_ids)
    _cancel_reminders([issue_reminders.ACTION_KIND], action_ids)
    own_meetings.delete()

    # 3. Problems (before tasks: Problem.task is PROTECT).
    _cancel_reminders([issue_reminders.RESPONSE_KIND, issue_reminders.LIMIT_KIND], problem_ids)
    Problem.objects.filter(pk__in=problem_ids).delete()

    # 4. Ratings, 5. tasks.
    DepartmentRating.objects.filter(request=request).delete()
    task_ids = list(Task.objects.filter(request=request).values_list("pk", flat=True))
    round_ids = AcceptanceRound.objects.filter(task__in=task_ids).values_list("pk", flat=True)
    _cancel_reminders([task_reminders.PROGRESS], task_ids)
    _cancel_reminders([task_reminders.FEEDBACK], round_ids)
    Task.objects.filter(pk__in=task_ids).delete()

    # 6. The request.
    request.delete()
    return files


def remove_files(files) -> None:
    """Remove stored files after the rows are gone; a file already missing is fine."""
    for field_file in files:
        if not field_file:
            continue
        try:
            field_file.storage.delete(field_file.name)
        except OSError:
            logger.warning(
                "Could not remove %s after deleting an archived request", field_file.name
            )
