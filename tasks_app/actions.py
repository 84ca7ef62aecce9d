"""The steps of a task, each declared once: the page's buttons, the confirm-and-run
views, the API actions and the permission-matrix tests all come from here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collab.core.workflow import Workflow, plain_form

from . import permissions, selectors, services
from .bodies import CommentBody, DeliverBody, ProgressBody
from .forms import (
    AcceptForm,
    CancelForm,
    CommentForm,
    ConfirmForm,
    DeliverForm,
    ProgressForm,
    RejectForm,
)
from .models import Task

workflow = Workflow(
    namespace="tasks",
    model=Task,
    load=selectors.task_for_action,
    stale=services.stale_error,
    detail_url=lambda obj: reverse("tasks:detail", args=[obj.pk]),
    template="tasks_app/action.html",
    object_name="task",
)


def _requester_side(user, task) -> bool:
    return permissions.is_requester_side(user, task.request)


workflow.action(
    name="start",
    label=_("Start"),
    title=_("Start the task"),
    role=permissions.is_owner,
    allowed=permissions.can_start,
    form=plain_form(ConfirmForm),
    body=CommentBody,
    run=lambda obj, by, data: services.start_task(task=obj, by=by),
    done=_("Task started."),
    summary="Start the task (owner)",
)
workflow.action(
    name="resume",
    label=_("Resume work"),
    title=_("Resume work on the required changes"),
    role=permissions.is_owner,
    allowed=permissions.can_resume,
    form=plain_form(CommentForm),
    run=lambda obj, by, data: services.resume_task(task=obj, by=by, **data),
    done=_("Back in progress."),
    summary="Resume work after a rejection (owner)",
)
# Offered on the task's page by its own form, not by a button (see presenters).
workflow.action(
    name="progress",
    label=_("Post progress"),
    button=_("Post"),
    role=permissions.may_post_progress,
    allowed=permissions.can_post_progress,
    form=plain_form(ProgressForm),
    body=ProgressBody,
    run=lambda obj, by, data: services.post_progress(
        task=obj,
        by=by,
        text=data["text"],
        percent=data.get("percent"),
        files=data.get("files", ()),
    ),
    done=_("Progress posted."),
    summary="Post today's progress (owner or collaborator)",
)
workflow.action(
    name="deliver",
    label=_("Deliver"),
    role=permissions.is_owner,
    allowed=permissions.can_deliver,
    form=plain_form(DeliverForm),
    body=DeliverBody,
    run=lambda obj, by, data: services.deliver_task(
        task=obj, by=by, note=data["note"], files=data.get("files", ()), links=data["links"]
    ),
    done=_("Delivered. The requester has been told."),
    summary="Deliver (owner)",
)
workflow.action(
    name="accept",
    label=_("Accept"),
    title=_("Accept the delivery"),
    button=_("Accept and sign"),
    role=_requester_side,
    allowed=permissions.can_decide,
    form=plain_form(AcceptForm),
    run=lambda obj, by, data: services.accept_task(task=obj, by=by, **data),
    done=_("Delivery accepted."),
    summary="Accept the delivery (requester or requesting head)",
)
workflow.action(
    name="reject",
    label=_("Ask for changes"),
    button=_("Send back for rework"),
    style="secondary",
    role=_requester_side,
    allowed=permissions.can_decide,
    form=plain_form(RejectForm),
    run=lambda obj, by, data: services.reject_task(task=obj, by=by, **data),
    done=_("Sent back to the owner with the required changes."),
    summary="Reject the delivery with required changes and a new deadline",
)
workflow.action(
    name="cancel",
    label=_("Cancel the task"),
    style="secondary outline",
    role=permissions.is_task_head,
    allowed=permissions.can_cancel,
    form=plain_form(CancelForm),
    run=lambda obj, by, data: services.cancel_task(task=obj, by=by, **data),
    done=_("Task cancelled."),
    summary="Cancel the task (head of the department, before delivery)",
)
