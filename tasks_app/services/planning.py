"""Breaking a request down: the head of an addressed department plans, edits and
cancels its tasks."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from requests_app.models import Priority, Request, RequestDepartment
from requests_app.steps import breakdown_done

from .. import access, permissions, reminders
from ..dates import planned_finish_problem
from ..errors import TaskError
from ..models import DepartmentRating, Task, events
from ..notifications import queue_notification
from .common import deny, fire, format_when, locked_task, log_event, save_task, stale_error


def _validate_plan(
    *,
    request,
    department,
    name,
    owner,
    priority,
    planned_start,
    planned_finish,
    deliverable_standard,
    stored_finish=None,
):
    if not (name or "").strip():
        raise TaskError(gettext("Name the task."), field="name")
    if owner is None or owner.department_id != department.pk or not owner.is_active:
        raise TaskError(
            gettext("The owner must be an active member of %(department)s.")
            % {"department": department.code},
            field="owner",
        )
    if priority not in Priority.values:
        raise TaskError(gettext("Choose a priority."), field="priority")
    if planned_start is None:
        raise TaskError(gettext("Enter the planned start."), field="planned_start")
    if planned_finish is None:
        raise TaskError(gettext("Enter the planned finish."), field="planned_finish")
    if planned_finish < planned_start:
        raise TaskError(
            gettext("The planned finish cannot be before the planned start."),
            field="planned_finish",
        )
    past = planned_finish_problem(planned_finish, today=timezone.localdate(), stored=stored_finish)
    if past:
        raise TaskError(past, field="planned_finish")
    window = {
        "start": date_format(request.start_date, "Y-m-d"),
        "deadline": date_format(request.deadline, "Y-m-d"),
    }
    if not request.start_date <= planned_start <= request.deadline:
        raise TaskError(
            gettext("Plan within the request's dates (%(start)s to %(deadline)s).") % window,
            field="planned_start",
        )
    if not request.start_date <= planned_finish <= request.deadline:
        raise TaskError(
            gettext("Plan within the request's dates (%(start)s to %(deadline)s).") % window,
            field="planned_finish",
        )
    if not (deliverable_standard or "").strip():
        raise TaskError(
            gettext("Say what the deliverable must meet."), field="deliverable_standard"
        )


def _collaborator_list(collaborators, owner) -> list:
    people, seen = [], {owner.pk}
    for person in collaborators or ():
        if person.pk not in seen and person.is_active:
            seen.add(person.pk)
            people.append(person)
    return people


def create_task(
    *,
    request,
    department,
    by,
    name,
    owner,
    collaborators=(),
    priority=Priority.MEDIUM,
    planned_start,
    planned_finish,
    deliverable_standard,
) -> Task:
    """The head of a confirmed addressed department adds one of its tasks. Numbers are
    the request number plus -01, -02… in creation order, drawn under the request lock."""
    if not permissions.is_department_head(by, department.pk):
        raise deny()
    _validate_plan(
        request=request,
        department=department,
        name=name,
        owner=owner,
        priority=priority,
        planned_start=planned_start,
        planned_finish=planned_finish,
        deliverable_standard=deliverable_standard,
    )
    people = _collaborator_list(collaborators, owner)
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        rd = RequestDepartment.objects.filter(request=request, department=department).first()
        if rd is None:
            raise TaskError(
                gettext("%(department)s is not addressed by this request.")
                % {"department": department.code}
            )
        rated = DepartmentRating.objects.filter(request=request, department=department).first()
        if rated is not None:
            raise TaskError(
                gettext(
                    "%(department)s was already rated by %(who)s at %(when)s; "
                    "its work on this request is closed."
                )
                % {
                    "department": department.code,
                    "who": rated.rated_by.name,
                    "when": format_when(rated.rated_at),
                }
            )
        if not permissions.can_break_down(by, request, rd):
            raise TaskError(
                gettext(
                    "Tasks can be added only while the request is in progress and the "
                    "department has confirmed it (the request is “%(state)s”)."
                )
                % {"state": request.get_state_display()}
            )
        seq = (Task.objects.filter(request=request).aggregate(m=Max("seq"))["m"] or 0) + 1
        now = timezone.now()
        task = Task(
            request=request,
            department=department,
            seq=seq,
            number=f"{request.number}-{seq:02d}",
            name=name.strip(),
            owner=owner,
            priority=priority,
            planned_start=planned_start,
            planned_finish=planned_finish,
            due_date=planned_finish,
            deliverable_standard=deliverable_standard,
            created_by=by,
            created_at=now,
        )
        task.save()
        task.collaborators.set(people)
        granted = access.grant(request=request, people=[owner, *people])
        log_event(
            request=request,
            task=task,
            verb=events.CREATED,
            by=by,
            at=now,
            data={"number": task.number, "owner": owner.pk, "access_granted": granted},
        )
        queue_notification(
            request=task.request,
            task=task,
            recipients=[owner, *people],
            event="tasks.task.assigned",
            template="tasks_app/notify/assigned",
            extra={"actor": by.name, "due": planned_finish},
            exclude=by,
        )
        reminders.task_due(task=task, now=now)
        # The department's first task ends its breakdown step.
        breakdown_done(request_department=rd, now=now)
    return task


EDIT_FIELDS = [
    "name",
    "owner",
    "priority",
    "planned_start",
    "planned_finish",
    "deliverable_standard",
]


def update_task(
    *,
    task,
    by,
    name,
    owner,
    collaborators=(),
    priority,
    planned_start,
    planned_finish,
    deliverable_standard,
    comment="",
) -> Task:
    if not permissions.is_task_head(by, task):
        raise deny()
    _validate_plan(
        request=task.request,
        department=task.department,
        name=name,
        owner=owner,
        priority=priority,
        planned_start=planned_start,
        planned_finish=planned_finish,
        deliverable_standard=deliverable_standard,
        stored_finish=task.planned_finish,
    )
    people = _collaborator_list(collaborators, owner)
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_edit(by, task):
            raise stale_error(task)
        wanted = {
            "name": name.strip(),
            "owner": owner,
            "priority": priority,
            "planned_start": planned_start,
            "planned_finish": planned_finish,
            "deliverable_standard": deliverable_standard,
        }
        changed = [f for f in EDIT_FIELDS if getattr(task, f) != wanted[f]]
        before = {c.pk for c in task.collaborators.all()}
        after = {p.pk for p in people}
        old_owner = task.owner
        old_deadline = (task.due_date, task.owner_id, task.priority)
        for field in changed:
            setattr(task, field, wanted[field])
        if task.rejection_rounds == 0:
            # Before any rejection the plan is the deadline; afterwards the requester's
            # new deadline stands.
            task.due_date = planned_finish
        if before != after:
            changed.append("collaborators")
        if not changed:
            return task
        save_task(task)
        task.collaborators.set(people)
        granted = access.grant(request=task.request, people=[owner, *people])
        removed = ({old_owner.pk} | before) - ({owner.pk} | after)
        revoked = access.revoke_unless_named(request=task.request, user_ids=removed)
        log_event(
            request=task.request,
            task=task,
            verb=events.EDITED,
            by=by,
            comment=comment,
            data={"fields": changed, "access_granted": granted, "access_revoked": revoked},
        )
        newcomers = ([owner] if owner.pk != old_owner.pk else []) + [
            p for p in people if p.pk not in before
        ]
        queue_notification(
            request=task.request,
            task=task,
            recipients=newcomers,
            event="tasks.task.assigned",
            template="tasks_app/notify/assigned",
            extra={"actor": by.name, "due": task.due_date},
            exclude=by,
        )
        if (task.due_date, task.owner_id, task.priority) != old_deadline:
            reminders.task_due(task=task)
    return task


def cancel_task(*, task, by, reason) -> Task:
    if not permissions.is_task_head(by, task):
        raise deny()
    if not (reason or "").strip():
        raise TaskError(gettext("Say why the task is cancelled."), field="reason")
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_cancel(by, task):
            raise stale_error(task)
        now = timezone.now()
        task.cancelled_by = by
        task.cancelled_at = now
        task.cancel_reason = reason
        fire(task, "cancel")
        log_event(
            request=task.request, task=task, verb=events.CANCELLED, by=by, comment=reason, at=now
        )
        queue_notification(
            request=task.request,
            task=task,
            recipients=[task.owner, *task.collaborators.all()],
            event="tasks.task.cancelled",
            template="tasks_app/notify/cancelled",
            extra={"actor": by.name, "reason": reason},
            exclude=by,
        )
        reminders.task_done(task=task, now=now)
    return task
