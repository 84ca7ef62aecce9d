"""What the task page shows and which buttons a person gets; works on the prefetched
task without further queries per row."""

from django.utils import timezone

from . import permissions, selectors
from .forms import ProgressForm


def detail_context(user, task) -> dict:
    request = task.request
    can = {
        "edit": permissions.can_edit(user, task),
        "cancel": permissions.can_cancel(user, task),
        "start": permissions.can_start(user, task),
        "resume": permissions.can_resume(user, task),
        "progress": permissions.can_post_progress(user, task),
        "deliver": permissions.can_deliver(user, task),
        "decide": permissions.can_decide(user, task),
    }
    rounds = list(task.rounds.all())
    progress = list(task.progress.all())
    today = timezone.localdate()
    return {
        "task": task,
        "request_obj": request,
        "collaborators": list(task.collaborators.all()),
        "progress": progress,
        "progress_days": selectors.progress_days(task),
        "rounds": list(reversed(rounds)),
        "pending_round": next((r for r in rounds if r.is_pending), None),
        "events": list(task.events.all()),
        "can": can,
        "any_action": any(can.values()),
        "progress_form": ProgressForm() if can["progress"] else None,
        "posted_today": any(e.author_id == user.pk and e.date == today for e in progress),
    }
