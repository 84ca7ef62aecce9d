"""Every write to tasks: one function per use case, one transaction each, notifications
after commit. No HTTP objects here, so an API can reuse them."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collab.core.files import upload_error
from collab.workdays import calendar
from requests_app.models import Priority, Request, RequestDepartment
from requests_app.models import State as RequestState
from requests_app.services import complete_request
from requests_app.steps import breakdown_done

from . import access, permissions, reminders
from .dates import planned_finish_problem
from .errors import TaskError
from .models import (
    OPEN,
    AcceptanceRound,
    Deliverable,
    DeliverableKind,
    DepartmentRating,
    ProgressEntry,
    ProgressFile,
    RoundResult,
    Task,
    TaskEvent,
    TaskState,
    events,
)
from .notifications import queue_notification

# --- helpers -------------------------------------------------------------------------


def _log(*, request, task=None, verb, by, comment="", data=None, at=None) -> TaskEvent:
    return TaskEvent.objects.create(
        request=request,
        task=task,
        verb=verb,
        actor=by,
        comment=comment or "",
        data=data or {},
        at=at or timezone.now(),
    )


def _deny() -> TaskError:
    return TaskError(gettext("You are not allowed to do this."))


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def stale_error(task) -> TaskError:
    """Explain a click that came too late: who changed the task, and when."""
    task = Task.objects.select_related("request").get(pk=task.pk)
    state = task.get_state_display()
    if task.request.state != RequestState.IN_PROGRESS:
        return TaskError(
            gettext(
                "The request is no longer in progress (it is “%(request_state)s”); "
                "its tasks cannot change."
            )
            % {"request_state": task.request.get_state_display()}
        )
    last = (
        TaskEvent.objects.filter(task=task, verb__in=events.STATE_VERBS)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or last.verb == events.CREATED:
        return TaskError(
            gettext("This task has changed in the meantime; it is now “%(state)s”.")
            % {"state": state}
        )
    params = {
        "who": last.actor.name if last.actor else gettext("the system"),
        "when": _when(last.at),
        "state": state,
    }
    # Each message is spelled out for the translators (makemessages reads literals).
    messages = {
        events.STARTED: gettext(
            "Already started by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.RESUMED: gettext(
            "Work was already resumed by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.DELIVERED: gettext(
            "Already delivered by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.ACCEPTED: gettext(
            "Already accepted by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.REJECTED: gettext(
            "Already sent back for changes by %(who)s at %(when)s; the task is now “%(state)s”."
        ),
        events.CANCELLED: gettext("Already cancelled by %(who)s at %(when)s."),
    }
    return TaskError(messages[last.verb] % params)


def _locked_task(task) -> Task:
    """The current row, locked for the rest of the transaction, with what the
    permission predicates read."""
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("request__requester", "department", "owner")
        .prefetch_related("collaborators")
        .get(pk=task.pk)
    )


def _fire(task, method_name: str) -> None:
    try:
        getattr(task, method_name)()
        task.save()
    except (TransitionNotAllowed, ConcurrentTransition):
        raise stale_error(task) from None


def _save(task) -> None:
    try:
        task.save()
    except ConcurrentTransition:
        raise stale_error(task) from None


def validate_upload(upload, *, field: str) -> None:
    message = upload_error(upload)
    if message:
        raise TaskError(message, field=field)


def _store(model, upload, **fields):
    stored = model(
        original_name=PurePath(upload.name).name[:255],
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        **fields,
    )
    stored.file.save(upload.name, upload, save=False)
    stored.save()
    return stored


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


# --- breaking a request down ---------------------------------------------------------


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
        raise _deny()
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
                    "when": _when(rated.rated_at),
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
        _log(
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
        raise _deny()
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
        task = _locked_task(task)
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
        _save(task)
        task.collaborators.set(people)
        granted = access.grant(request=task.request, people=[owner, *people])
        removed = ({old_owner.pk} | before) - ({owner.pk} | after)
        revoked = access.revoke_unless_named(request=task.request, user_ids=removed)
        _log(
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
        raise _deny()
    if not (reason or "").strip():
        raise TaskError(gettext("Say why the task is cancelled."), field="reason")
    with transaction.atomic():
        task = _locked_task(task)
        if not permissions.can_cancel(by, task):
            raise stale_error(task)
        now = timezone.now()
        task.cancelled_by = by
        task.cancelled_at = now
        task.cancel_reason = reason
        _fire(task, "cancel")
        _log(request=task.request, task=task, verb=events.CANCELLED, by=by, comment=reason, at=now)
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


# --- doing the work ------------------------------------------------------------------


def start_task(*, task, by) -> Task:
    if not permissions.is_owner(by, task):
        raise _deny()
    with transaction.atomic():
        task = _locked_task(task)
        if not permissions.can_start(by, task):
            raise stale_error(task)
        now = timezone.now()
        task.actual_start = now
        _fire(task, "start")
        _log(request=task.request, task=task, verb=events.STARTED, by=by, at=now)
    return task


def resume_task(*, task, by, comment="") -> Task:
    """Back to work after a rejection (rework → in progress)."""
    if not permissions.is_owner(by, task):
        raise _deny()
    with transaction.atomic():
        task = _locked_task(task)
        if not permissions.can_resume(by, task):
            raise stale_error(task)
        _fire(task, "resume")
        _log(request=task.request, task=task, verb=events.RESUMED, by=by, comment=comment)
    return task


def post_progress(*, task, by, text, percent=None, files=()) -> ProgressEntry:
    """Today's entry for this person; a second post the same day is added to it, so the
    log keeps one entry per person per day."""
    if not permissions.may_post_progress(by, task):
        raise _deny()
    if not (text or "").strip():
        raise TaskError(gettext("Say what was done."), field="text")
    if percent is not None and not 0 <= percent <= 100:
        raise TaskError(gettext("Enter a percentage from 0 to 100."), field="percent")
    for upload in files:
        validate_upload(upload, field="files")
    with transaction.atomic():
        task = _locked_task(task)
        if not permissions.can_post_progress(by, task):
            raise stale_error(task)
        now = timezone.now()
        today = timezone.localdate(now)
        entry = ProgressEntry.objects.filter(task=task, author=by, date=today).first()
        if entry is None:
            entry = ProgressEntry.objects.create(
                task=task, author=by, date=today, text=text.strip(), percent=percent, created_at=now
            )
        else:
            entry.text = f"{entry.text}\n\n[{timezone.localtime(now):%H:%M}] {text.strip()}"
            if percent is not None:
                entry.percent = percent
            entry.save()
        for upload in files:
            _store(ProgressFile, upload, entry=entry, uploaded_by=by, uploaded_at=now)
        if percent is not None:
            task.progress_percent = percent
        task.last_progress_at = now
        _save(task)
        _log(
            request=task.request,
            task=task,
            verb=events.PROGRESS,
            by=by,
            at=now,
            data={"entry": entry.pk, "percent": percent, "files": len(files)},
        )
    return entry


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
        raise _deny()
    links = _clean_links(links)
    for upload in files:
        validate_upload(upload, field="files")
    if not files and not links:
        raise TaskError(gettext("Hand in at least one file or link."), field="files")
    with transaction.atomic():
        task = _locked_task(task)
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
            _store(
                Deliverable,
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
        _fire(task, "deliver")
        _log(
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


# --- acceptance ----------------------------------------------------------------------


def _pending_round(task) -> AcceptanceRound:
    round_ = task.rounds.filter(result=RoundResult.PENDING).order_by("-number").first()
    if round_ is None:  # a delivered task always has one; guard against hand-edited data
        raise stale_error(task)
    return round_


def accept_task(*, task, by, comment="") -> Task:
    """The requester side signs the delivery off (who and when are the e-signature)."""
    if not permissions.is_requester_side(by, task.request):
        raise _deny()
    with transaction.atomic():
        task = _locked_task(task)
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
        _fire(task, "accept")
        _log(
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
        raise _deny()
    if not (changes or "").strip():
        raise TaskError(gettext("Say what has to change."), field="changes")
    if new_deadline is None:
        raise TaskError(gettext("Set a new deadline."), field="new_deadline")
    if new_deadline < timezone.localdate():
        raise TaskError(gettext("The new deadline cannot be in the past."), field="new_deadline")
    with transaction.atomic():
        task = _locked_task(task)
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
        _fire(task, "reject")
        _log(
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


# --- rating and completion -----------------------------------------------------------


def rate_department(
    *, request, department, by, speed, professionalism, cooperation, remarks=""
) -> DepartmentRating:
    """Rate a department whose tasks are all accepted; when every addressed department
    is accepted and rated, the request completes."""
    if not permissions.is_requester_side(by, request):
        raise _deny()
    scores = {"speed": speed, "professionalism": professionalism, "cooperation": cooperation}
    for field, value in scores.items():
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise TaskError(gettext("Give a score from 1 to 5."), field=field)
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        existing = (
            DepartmentRating.objects.filter(request=request, department=department)
            .select_related("rated_by")
            .first()
        )
        if existing is not None:
            raise TaskError(
                gettext("%(department)s was already rated by %(who)s at %(when)s.")
                % {
                    "department": department.code,
                    "who": existing.rated_by.name,
                    "when": _when(existing.rated_at),
                }
            )
        if request.state != RequestState.IN_PROGRESS:
            raise TaskError(
                gettext("The request is no longer in progress (it is “%(request_state)s”).")
                % {"request_state": request.get_state_display()}
            )
        if not RequestDepartment.objects.filter(request=request, department=department).exists():
            raise TaskError(
                gettext("%(department)s is not addressed by this request.")
                % {"department": department.code}
            )
        tasks = Task.objects.filter(request=request, department=department)
        if (
            tasks.filter(state__in=OPEN).exists()
            or not tasks.filter(state=TaskState.ACCEPTED).exists()
        ):
            raise TaskError(
                gettext("%(department)s can be rated once all its tasks are accepted.")
                % {"department": department.code}
            )
        now = timezone.now()
        rating = DepartmentRating.objects.create(
            request=request,
            department=department,
            rated_by=by,
            rated_at=now,
            remarks=remarks or "",
            **scores,
        )
        _log(
            request=request,
            verb=events.RATED,
            by=by,
            comment=remarks,
            at=now,
            data={"department": department.code, **scores},
        )
        queue_notification(
            request=request,
            recipients=[department.head_id],
            event="tasks.department.rated",
            template="tasks_app/notify/rated",
            extra={"actor": by.name, "department": department.code, **scores},
            exclude=by,
        )
        if _all_done(request):
            complete_request(
                request=request,
                by=by,
                comment=gettext("Every addressed department accepted and rated."),
            )
    return rating


def _all_done(request) -> bool:
    addressed = set(request.departments.values_list("department_id", flat=True))
    rated = set(
        DepartmentRating.objects.filter(request=request).values_list("department_id", flat=True)
    )
    return addressed <= rated and not Task.objects.filter(request=request, state__in=OPEN).exists()
