"""The steps of a problem and of a meeting, each declared once: the pages' buttons, the
confirm-and-run views, the API actions and the permission-matrix tests all come from
here.

Written by hand instead: responding for a department and recording a proposal or a
decision (a form on the problem's page; the person picks the department or the kind),
the agenda and the minutes (forms of many rows), and completing an action item (a
resource of its own)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from collab.core.workflow import Workflow, plain_form

from . import permissions, selectors, services
from .bodies import AssignBody, GradeBody, ReasonBody, RulingBody
from .forms import CommentForm, GradeForm, OwnerForm, ResolveForm
from .models import Meeting, MeetingKind, Problem
from .services.common import end_of_office_day


def _comment(*, required=False, label=None):
    return plain_form(CommentForm, required=required, label=label)


# --- problems ------------------------------------------------------------------------------

problems = Workflow(
    namespace="issues",
    key="problems",
    prefix="problem_",
    url_base="problems/",
    model=Problem,
    load=selectors.problem_for_page,
    stale=services.stale_error,
    detail_url=lambda obj: reverse("issues:problem", args=[obj.pk]),
    template="issues_app/problem_action.html",
    object_name="problem",
)


def _secretary(user, problem) -> bool:
    return permissions.is_secretary(user)


problems.action(
    name="grade",
    label=_("Grade"),
    title=_("Grade the problem"),
    intro=_(
        "General: does not affect the overall schedule — answered within 1 working day. "
        "Important: delays part of the work — coordination meeting, solution within 3 "
        "working days. Major: threatens the overall goal — the coordination group leader "
        "takes it."
    ),
    role=_secretary,
    allowed=permissions.can_grade,
    form=plain_form(GradeForm),
    body=GradeBody,
    run=lambda obj, by, data: services.grade_problem(
        problem=obj,
        by=by,
        grade=data["grade"],
        owner=data.get("owner"),
        comment=data.get("comment", ""),
    ),
    done=_("Problem graded."),
    summary="Grade a reported problem (executive secretary)",
)
problems.action(
    name="owner",
    api_url_path="assign",
    label=_("Name owner and deadline"),
    title=_("Name the owner and deadline"),
    button=_("Save"),
    role=lambda user, problem: (
        permissions.is_major_handler(user) or permissions.is_owner(user, problem)
    ),
    allowed=permissions.can_set_owner,
    form=plain_form(OwnerForm),
    body=AssignBody,
    run=lambda obj, by, data: services.set_owner(
        problem=obj,
        by=by,
        owner=data["owner"],
        due_at=end_of_office_day(data["deadline"]),
        comment=data["comment"],
    ),
    done=_("Owner and deadline set."),
    summary="Name the owner and deadline of a major problem (coordination group leader)",
)
problems.action(
    name="resolve",
    label=_("Record the resolution"),
    role=lambda user, problem: (
        permissions.is_owner(user, problem) or permissions.is_secretary(user)
    ),
    allowed=permissions.can_resolve,
    form=plain_form(ResolveForm),
    run=lambda obj, by, data: services.resolve_problem(
        problem=obj, by=by, resolution=data["resolution"]
    ),
    done=_("Resolution recorded; the reporter is asked to confirm it."),
    summary="Record the resolution (owner or executive secretary)",
)
problems.action(
    name="confirm",
    label=_("Confirm resolved"),
    title=_("Confirm the problem is resolved"),
    role=permissions.is_reporter,
    allowed=permissions.can_confirm,
    form=_comment(),
    run=lambda obj, by, data: services.confirm_problem(problem=obj, by=by, comment=data["comment"]),
    done=_("Thank you: the problem is closed."),
    summary="Confirm the problem is resolved, which closes it (reporter)",
)
problems.action(
    name="reopen",
    label=_("Reopen"),
    title=_("Reopen the problem"),
    style="secondary",
    role=permissions.is_reporter,
    allowed=permissions.can_confirm,
    form=_comment(required=True, label=_("Why it is not resolved")),
    body=ReasonBody,
    run=lambda obj, by, data: services.reopen_problem(problem=obj, by=by, reason=data["comment"]),
    done=_("The problem is open again; the owner is told."),
    summary="Reopen: the resolution does not solve it (reporter)",
)
problems.action(
    name="escalate",
    label=_("Escalate"),
    title=_("Escalate one grade"),
    style="secondary",
    role=permissions.is_concerned_head,
    allowed=permissions.can_escalate,
    form=_comment(required=True, label=_("Reason")),
    body=ReasonBody,
    run=lambda obj, by, data: services.escalate_problem(problem=obj, by=by, reason=data["comment"]),
    done=_("Escalated; the new owner is told."),
    summary="Escalate one grade by hand, with the reason (a head involved)",
    description="General → important → major; the new owner is told.",
)
problems.action(
    name="refer",
    label=_("Refer to the division leader"),
    button=_("Refer"),
    style="secondary outline",
    role=lambda user, problem: (
        permissions.is_concerned_head(user, problem) or permissions.is_secretary(user)
    ),
    allowed=permissions.can_refer,
    form=_comment(required=True, label=_("The disagreement")),
    body=ReasonBody,
    run=lambda obj, by, data: services.refer_to_leader(problem=obj, by=by, reason=data["comment"]),
    done=_("Referred to the division leader for a ruling."),
    summary="Refer a disagreement to the requesting department's division leader",
    description="A head involved or the executive secretary; the leader gives a ruling.",
)
problems.action(
    name="rule",
    label=_("Give a ruling"),
    button=_("Record the ruling"),
    role=lambda user, problem: problem.referred_to_id == user.pk,
    allowed=permissions.can_rule,
    form=_comment(required=True, label=_("Ruling")),
    body=RulingBody,
    run=lambda obj, by, data: services.record_ruling(problem=obj, by=by, ruling=data["comment"]),
    done=_("Ruling recorded."),
    summary="Give the ruling on a referred disagreement (the division leader asked)",
)
problems.action(
    name="dismiss",
    url_path="close",
    label=_("Close without handling"),
    button=_("Close"),
    intro=_("For duplicates and reports that are not problems; the reason is recorded."),
    style="secondary outline",
    role=_secretary,
    allowed=permissions.can_dismiss,
    form=_comment(required=True, label=_("Why it needs no handling")),
    body=ReasonBody,
    run=lambda obj, by, data: services.dismiss_problem(problem=obj, by=by, reason=data["comment"]),
    done=_("Problem closed."),
    summary="Close without handling, with the reason (executive secretary)",
    description="For duplicates and reports that are not problems; the reason is recorded "
    "as the resolution.",
)


# --- meetings ------------------------------------------------------------------------------

meetings = Workflow(
    namespace="issues",
    key="meetings",
    prefix="meeting_",
    url_base="meetings/",
    model=Meeting,
    load=selectors.meeting_for_page,
    stale=services.meeting_stale_error,
    detail_url=lambda obj: reverse("issues:meeting", args=[obj.pk]),
    template="issues_app/meeting_action.html",
    object_name="meeting",
)


def _meeting_manager(user, meeting) -> bool:
    return permissions.can_manage_meetings(user)


meetings.action(
    name="publish",
    label=_("Publish the minutes"),
    button=_("Publish"),
    intro=_(
        "Published minutes can no longer be changed. Each action item goes to its owner's My work."
    ),
    style="secondary",
    role=_meeting_manager,
    allowed=permissions.can_publish,
    form=plain_form(forms.Form),  # nothing to say: publishing takes no input
    run=lambda obj, by, data: services.publish_minutes(meeting=obj, by=by),
    done=_("Minutes published; attendees and action owners are told."),
    summary="Publish the minutes (executive secretary)",
    description="Published minutes can no longer be changed. Attendees are told, each action "
    "item goes to its owner, decisions on problems are recorded on the problems, and a "
    "milestone meeting's resolution goes to the group leader for signature.",
)
meetings.action(
    name="sign",
    api_url_path="sign-off",
    label=_("Sign the resolution"),
    title=_("Sign the meeting resolution"),
    button=_("Sign"),
    role=lambda user, meeting: meeting.kind == MeetingKind.MILESTONE and user.is_group_leader,
    allowed=permissions.can_sign_off,
    form=_comment(),
    run=lambda obj, by, data: services.sign_off(meeting=obj, by=by, comment=data["comment"]),
    done=_("Resolution signed."),
    summary="Sign a milestone meeting's resolution (coordination group leader)",
)
meetings.action(
    name="cancel",
    label=_("Cancel the meeting"),
    style="secondary outline",
    role=_meeting_manager,
    allowed=permissions.can_cancel_meeting,
    form=_comment(required=True, label=_("Reason")),
    body=ReasonBody,
    run=lambda obj, by, data: services.cancel_meeting(meeting=obj, by=by, reason=data["comment"]),
    done=_("Meeting cancelled; the attendees are told."),
    summary="Cancel the meeting, with the reason (executive secretary)",
)
