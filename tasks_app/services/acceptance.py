"""Acceptance rounds: the owner hands in the deliverables and the requester side accepts
them or sends them back for changes."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.files import check_uploads
from collab.workdays import calendar

from .. import permissions, reminders
from ..errors import TaskError
from ..models import AcceptanceRound, Deliverable, DeliverableKind, RoundResult, Task, events
from ..notifications import queue_notification
from .common import (
    deny,
    fire,
    locked_task,
    log_event,
    stale_error,
)


def _clean_links(links) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links or ():
        link = (link or "").strip()
        if not link:
            continue
        try:
            validate(link)
        except ValidationError:
            raise TaskError(
                gettext("“%(link)s” is not a web address (http:// or https://).") % {"link": link},
                field="links",
            ) from None
        if len(link) > 500:
            raise TaskError(gettext("A link can have at most 500 characters."), field="links")
        cleaned.append(link)
    return cleaned


def deliver_task(*, task, by, note="", files=(), links=()) -> AcceptanceRound:
    """Hand in the deliverables; the requester owes feedback within 1 working day."""
    if not permissions.is_owner(by, task):
        raise deny()
    links = _clean_links(links)
    check_uploads(files, field="files", error=TaskError)
    if not files and not links:
        raise TaskError(gettext("Hand in at least one file or link."), field="files")
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_deliver(by, task):
            raise stale_error(task)
        now = timezone.now()
        try:
            feedback_due = calendar.add_working_days(now, 1)
        except calendar.CalendarMissing as error:
            raise TaskError(str(error)) from None
        number = task.rounds.count() + 1
        round_ = AcceptanceRound.objects.create(
            task=task,
            number=number,
            delivered_by=by,
            delivered_at=now,
            note=note or "",
            feedback_due=feedback_due,
        )
        for upload in files:
            Deliverable.store(
                upload,
                round=round_,
                task=task,
                kind=DeliverableKind.FILE,
                uploaded_by=by,
                uploaded_at=now,
            )
        for link in links:
            Deliverable.objects.create(
                round=round_,
                task=task,
                kind=DeliverableKind.LINK,
                url=link,
                uploaded_by=by,
                uploaded_at=now,
            )
        task.delivered_at = now
        fire(task, "deliver")
        log_event(
            request=task.request,
            task=task,
            verb=events.DELIVERED,
            by=by,
            comment=note,
            at=now,
            data={
                "round": number,
                "files": [PurePath(f.name).name for f in files],
                "links": links,
                "feedback_due": feedback_due.isoformat(),
            },
        )
        request = task.request
        queue_notification(
            request=task.request,
            task=task,
            recipients=[request.requester_id, request.requesting_department.head_id],
            event="tasks.task.delivered",
            template="tasks_app/notify/delivered",
            extra={"actor": by.name, "round": number, "feedback_due": feedback_due},
            exclude=by,
        )
        reminders.feedback_due(round_=round_)
        reminders.task_done(task=task, now=now)
    return round_


def _pending_round(task) -> AcceptanceRound:
    round_ = task.rounds.filter(result=RoundResult.PENDING).order_by("-number").first()
    if round_ is None:  # a delivered task always has one; guard against hand-edited data
        raise stale_error(task)
    return round_


def accept_task(*, task, by, comment="") -> Task:
    """The requester side signs the delivery off (who and when are the e-signature)."""
    if not permissions.is_requester_side(by, task.request):
        raise deny()
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_decide(by, task):
            raise stale_error(task)
        now = timezone.now()
        round_ = _pending_round(task)
        round_.result = RoundResult.PASSED
        round_.decided_by = by
        round_.decided_at = now
        round_.comment = comment or ""
        round_.save()
        task.accepted_by = by
        task.accepted_at = now
        task.actual_finish = round_.delivered_at
        fire(task, "accept")
        log_event(
            request=task.request,
            task=task,
            verb=events.ACCEPTED,
            by=by,
            comment=comment,
            at=now,
            data={"round": round_.number, "late_feedback": round_.decided_late},
        )
        queue_notification(
            request=task.request,
            task=task,
            recipients=[task.owner_id, task.department.head_id],
            event="tasks.task.accepted",
            template="tasks_app/notify/accepted",
            extra={"actor": by.name, "comment": comment},
            exclude=by,
        )
        reminders.feedback_done(round_=round_)
        reminders.task_done(task=task, now=now)
    return task


def reject_task(*, task, by, changes, new_deadline) -> Task:
    """Send the delivery back with the required changes and a new deadline (rework)."""
    if not permissions.is_requester_side(by, task.request):
        raise deny()
    if not (changes or "").strip():
        raise TaskError(gettext("Say what has to change."), field="changes")
    if new_deadline is None:
        raise TaskError(gettext("Set a new deadline."), field="new_deadline")
    if new_deadline < timezone.localdate():
        raise TaskError(gettext("The new deadline cannot be in the past."), field="new_deadline")
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_decide(by, task):
            raise stale_error(task)
        now = timezone.now()
        round_ = _pending_round(task)
        round_.result = RoundResult.FAILED
        round_.decided_by = by
        round_.decided_at = now
        round_.required_changes = changes
        round_.new_deadline = new_deadline
        round_.save()
        task.rejection_rounds += 1
        task.due_date = new_deadline
        fire(task, "reject")
        log_event(
            request=task.request,
            task=task,
            verb=events.REJECTED,
            by=by,
            comment=changes,
            at=now,
            data={
                "round": round_.number,
                "new_deadline": new_deadline.isoformat(),
                "late_feedback": round_.decided_late,
            },
        )
        queue_notification(
            request=task.request,
            task=task,
            recipients=[task.owner, *task.collaborators.all()],
            event="tasks.task.rejected",
            template="tasks_app/notify/rejected",
            extra={
                "actor": by.name,
                "changes": changes,
                "new_deadline": new_deadline,
            },
            exclude=by,
        )
        reminders.feedback_done(round_=round_)
        # Rework: the requester's new deadline is the one the owner is reminded of.
        reminders.task_due(task=task, now=now)
    return task
