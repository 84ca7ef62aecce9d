"""What the detail page shows: who acts next and by when, and which buttons a person
gets. Works on the prefetched request, without further queries per row."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext

from . import permissions
from .actions import workflow
from .forms import AttachmentForm, GrantForm, ReplyForm
from .models import State
from .models import events as ev

RETURN_VERBS = (ev.RETURNED, ev.DEPARTMENT_ADJUSTMENT, ev.DEPARTMENT_DECLINED)


def last_return(events):
    """The answer that sent the request back, shown while it waits for revision."""
    return next((e for e in reversed(events) if e.verb in RETURN_VERBS), None)


@dataclass
class NextStep:
    who: str
    what: str
    due: datetime | None = None
    # The response clock waits for the requester's answer (DOMAIN §8): no countdown.
    paused: bool = False

    @property
    def overdue(self) -> bool:
        return not self.paused and self.due is not None and self.due < timezone.now()


def next_steps(obj, departments, clarifications) -> list[NextStep]:
    dept = obj.requesting_department
    state = obj.state
    if state == State.DRAFT:
        return [NextStep(obj.requester.name, gettext("complete and submit the request"))]
    if state == State.HEAD_REVIEW:
        who = dept.head.name if dept.head else gettext("(no head named)")
        return [NextStep(who, gettext("level-1 review: approve or return"))]
    if state == State.LEADER_REVIEW:
        who = dept.leader.name if dept.leader else gettext("(no division leader named)")
        return [NextStep(who, gettext("level-2 review: approve or return"))]
    if state == State.RETURNED:
        return [NextStep(obj.requester.name, gettext("revise and resubmit, or withdraw"))]
    if state == State.AWAITING_CONFIRMATION:
        steps = [
            NextStep(
                obj.requester.name,
                gettext("answer the question from %(code)s")
                % {"code": c.request_department.department.code},
                c.answer_due,
            )
            for c in clarifications
            if c.answered_at is None
        ]
        steps += [
            NextStep(
                f"{rd.department.code} · {rd.contact.name}",
                gettext("confirm, ask for an adjustment, or decline"),
                rd.response_due,
                paused=rd.clock_paused,
            )
            for rd in departments
            if rd.is_pending
        ]
        return steps
    if state == State.IN_PROGRESS:
        return [
            NextStep(
                f"{rd.department.code} · {rd.department.head.name if rd.department.head else ''}",
                gettext("break the request into tasks"),
            )
            for rd in departments
        ]
    return []


def detail_context(user, obj) -> dict:
    departments = list(obj.departments.all())
    events = list(obj.events.all())
    clarifications = list(obj.clarifications.all())
    rows = [
        {
            "rd": rd,
            "can_answer": permissions.can_answer(user, obj, rd),
            "can_acknowledge": permissions.can_acknowledge(user, obj, rd),
        }
        for rd in departments
    ]
    clarification_rows = [
        {"c": c, "can_reply": permissions.can_reply_clarification(user, obj, c)}
        for c in clarifications
    ]
    can = {
        "edit": permissions.can_edit(user, obj),
        "attach": permissions.can_add_attachment(user, obj),
        "grant": permissions.can_grant_access(user, obj),
    }
    grant_form = None
    if can["grant"]:
        grant_form = GrantForm()
        grant_form.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
        )
    return {
        "object": obj,
        "departments": rows,
        "clarifications": clarification_rows,
        "milestones": list(obj.milestones.all()),
        "attachments": list(obj.attachments.all()),
        "events": events,
        "last_return": last_return(events) if obj.state == State.RETURNED else None,
        "next_steps": next_steps(obj, departments, clarifications),
        "can": can,
        "buttons": workflow.buttons(user, obj),
        "reply_form": ReplyForm(),
        "attachment_form": AttachmentForm() if can["attach"] else None,
        "grant_form": grant_form,
    }
