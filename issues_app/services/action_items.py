"""Action items from published minutes: their owners mark them done."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.core import workflow
from collab.notify.reminders import cancel_reminders

from .. import permissions
from ..errors import IssueError
from ..models import ActionItem, events
from ..reminder_kinds import ACTION_KIND
from .common import deny, log_meeting, log_problem
from .meetings import tell


def _changed(action) -> IssueError:
    return IssueError(gettext("This action item changed in the meantime."))


def complete_action(*, action, by, note="", now=None) -> ActionItem:
    now = now or timezone.now()
    with transaction.atomic():
        action = workflow.lock(ActionItem, action.pk, related=("meeting", "problem__request"))
        if not permissions.can_complete_action(by, action):
            if action.owner_id != by.pk:
                raise deny()
            raise IssueError(
                gettext("This action item is already “%(state)s”.")
                % {"state": action.get_state_display()}
            )
        workflow.fire(
            action,
            "complete",
            stale=_changed,
            then={"done_by": by, "done_at": now, "done_note": note},
        )
        log_meeting(
            action.meeting,
            events.ACTION_DONE,
            by=by,
            comment=note,
            at=now,
            data={
                "action": action.pk,
                "title": action.title,
                "on_time": timezone.localdate(now) <= action.deadline,
            },
        )
        if action.problem is not None:
            log_problem(
                action.problem,
                events.ACTION_DONE,
                by=by,
                comment=note,
                at=now,
                data={"action": action.pk, "title": action.title},
            )
        cancel_reminders(kind=ACTION_KIND, target=action, now=now)
        tell(
            action.meeting,
            [action.meeting.published_by, action.meeting.chair],
            event=events.ACTION_DONE,
            template="action_done",
            action=action.title,
            who=by.name,
        )
    return action
