"""What the task page shows and which buttons a person gets; works on the prefetched
task without further queries per row."""

from django.utils import timezone

from . import permissions, selectors
from .actions import workflow
from .forms import ProgressForm


def detail_context(user, task) -> dict:
    request = task.request
    steps = workflow.buttons(user, task)
    # Progress is posted from the form in the page's progress log, not from a button.
    buttons = [button for button in steps if button.name != "progress"]
    can = {
        "edit": permissions.can_edit(user, task),
        "progress": any(button.name == "progress" for button in steps),
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
        "buttons": buttons,
        "any_action": bool(steps) or can["edit"],
        "progress_form": ProgressForm() if can["progress"] else None,
        "posted_today": any(e.author_id == user.pk and e.date == today for e in progress),
    }
