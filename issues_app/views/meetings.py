"""Meeting pages: list, scheduling, agenda, minutes, action items. Publishing, sign-off
and cancelling are declared in issues_app/actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from requests_app.models import State as RequestState
from requests_app.selectors import visible_requests

from .. import permissions, selectors, services
from ..actions import meetings as steps
from ..errors import IssueError
from ..forms import ActionFormSet, AgendaForm, DoneForm, MeetingForm, MinutesForm, people
from ..models import ActionItem, MeetingKind, ProblemState


def _meeting(user, pk):
    meeting = selectors.meeting_for_page(user, pk)
    if meeting is None:
        raise Http404
    return meeting


def _detail(meeting):
    return redirect("issues:meeting", pk=meeting.pk)


def _open_problems(user):
    return (
        selectors.visible_problems(user)
        .filter(state__in=[ProblemState.REPORTED, ProblemState.OPEN])
        .select_related("request")
        .order_by("-reported_at")
    )


def _running_requests(user):
    return (
        visible_requests(user)
        .filter(state__in=[RequestState.AWAITING_CONFIRMATION, RequestState.IN_PROGRESS])
        .order_by("-created_at")
    )


@login_required
def meeting_list(request):
    view = request.GET.get("view") or "upcoming"
    if view not in selectors.MEETING_VIEWS:
        view = "upcoming"
    qs = selectors.meeting_list(request.user, view=view)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "issues_app/meeting_list.html",
        {
            "page": page,
            "view": view,
            "views": [
                ("upcoming", gettext("Upcoming")),
                ("past", gettext("Past")),
                ("minutes_due", gettext("Minutes due")),
            ],
            "can_schedule": permissions.can_manage_meetings(request.user),
        },
    )


@login_required
def meeting_create(request):
    user = request.user
    if not permissions.can_manage_meetings(user):
        raise PermissionDenied
    problems, requests = _open_problems(user), _running_requests(user)
    if request.method == "POST":
        form = MeetingForm(request.POST, problems=problems, requests=requests)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.schedule_meeting(
                    by=user,
                    title=data["title"],
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    place=data["place"],
                    chair=data["chair"],
                    attendees=list(data["attendees"]),
                    request=data["request"],
                    milestone_stage=data["milestone_stage"],
                    problems=list(data["problems"]),
                    repeat_weekly=data["repeat_weekly"],
                )
            except IssueError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                messages.success(request, gettext("Meeting scheduled; the attendees are told."))
                return _detail(meeting)
    else:
        initial = {"chair": user.pk, "duration_minutes": 90}
        problem_id = request.GET.get("problem", "")
        if problem_id.isdigit():
            problem = problems.filter(pk=int(problem_id)).first()
            if problem is not None:
                initial.update(
                    problems=[problem.pk],
                    kind=MeetingKind.SPECIAL
                    if problem.grade == "major"
                    else MeetingKind.COORDINATION,
                    title=gettext("Coordination: %(title)s") % {"title": problem.title},
                    attendees=_problem_people(problem),
                )
        form = MeetingForm(initial=initial, problems=problems, requests=requests)
    return render(request, "issues_app/meeting_form.html", {"form": form})


def _problem_people(problem) -> list[int]:
    """Liaisons of the departments concerned and the reporter: who a coordination
    meeting about the problem invites."""
    ids = [problem.reporter_id]
    for pd in problem.departments.select_related("department"):
        for pk in (pd.department.liaison_id, pd.department.head_id):
            if pk:
                ids.append(pk)
    if problem.owner_id:
        ids.append(problem.owner_id)
    return list(dict.fromkeys(ids))


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request.user, pk)
    user = request.user
    readable_problems, readable_requests = selectors.readable_links(user, meeting)
    can_edit = permissions.can_edit_meeting(user, meeting)
    context = {
        "meeting": meeting,
        "readable_problems": readable_problems,
        "readable_requests": readable_requests,
        "buttons": steps.buttons(user, meeting),
        "can": {"edit": can_edit},
        "completable": {
            a.pk for a in meeting.actions.all() if permissions.can_complete_action(user, a)
        },
        "agenda_form": AgendaForm(problems=_open_problems(user), requests=_running_requests(user))
        if can_edit
        else None,
        "now": timezone.now(),
    }
    return render(request, "issues_app/meeting_detail.html", context)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = _meeting(request.user, pk)
    user = request.user
    if not permissions.can_manage_meetings(user):
        raise PermissionDenied
    if not permissions.can_edit_meeting(user, meeting):
        messages.warning(request, str(services.meeting_stale_error(meeting)))
        return _detail(meeting)
    form = AgendaForm(request.POST, problems=_open_problems(user), requests=_running_requests(user))
    if form.is_valid():
        try:
            services.add_agenda_item(
                meeting=meeting,
                by=user,
                problem=form.cleaned_data["problem"],
                request=form.cleaned_data["request"],
                title=form.cleaned_data["title"],
            )
        except IssueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("Added to the agenda."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("issues:meeting", args=[meeting.pk]) + "#agenda")


def _agenda_labels(meeting, readable_problems, readable_requests) -> dict:
    labels = {}
    for item in meeting.agenda.all():
        if item.problem_id:
            labels[item.pk] = (
                f"{item.problem.number} {item.problem.title}"
                if item.problem_id in readable_problems
                else gettext("(a problem you may not see)")
            )
        elif item.request_id:
            labels[item.pk] = (
                f"{item.request.number} {item.request.title}"
                if item.request_id in readable_requests
                else gettext("(a request you may not see)")
            )
        else:
            labels[item.pk] = item.title
    return labels


@login_required
def minutes_edit(request, pk):
    meeting = _meeting(request.user, pk)
    user = request.user
    if not permissions.can_manage_meetings(user):
        raise PermissionDenied
    if not permissions.can_edit_meeting(user, meeting):
        messages.warning(request, str(services.meeting_stale_error(meeting)))
        return _detail(meeting)
    readable_problems, readable_requests = selectors.readable_links(user, meeting)
    labels = _agenda_labels(meeting, readable_problems, readable_requests)
    agenda = list(meeting.agenda.all())
    owners = people()
    problems = selectors.visible_problems(user).select_related("request")
    requests = visible_requests(user)
    form_kwargs = {"problems": problems, "requests": requests, "owners": owners}
    open_actions = [a for a in meeting.actions.all() if a.state == "open"]
    if request.method == "POST":
        form = MinutesForm(request.POST, meeting=meeting, agenda=agenda, labels=labels)
        actions = ActionFormSet(request.POST, prefix="actions", form_kwargs=form_kwargs)
        if form.is_valid() and actions.is_valid():
            rows = [
                {
                    "id": f.cleaned_data.get("id"),
                    "title": f.cleaned_data.get("title"),
                    "owner": f.cleaned_data.get("owner"),
                    "deadline": f.cleaned_data.get("deadline"),
                    "problem": f.cleaned_data.get("problem"),
                    "request": f.cleaned_data.get("request"),
                    "remove": f.cleaned_data.get("remove"),
                }
                for f in actions.forms
                if f.has_changed() or f.cleaned_data.get("id")
                if not f.is_blank
            ]
            try:
                services.save_minutes(
                    meeting=meeting,
                    by=user,
                    summary=form.cleaned_data["summary"],
                    present_ids=[int(x) for x in form.cleaned_data["present"]],
                    decisions=form.decisions(),
                    actions=rows,
                )
            except IssueError as error:
                form.add_error(None, str(error))
            else:
                if "publish" in request.POST:
                    return redirect("issues:meeting_publish", pk=meeting.pk)
                messages.success(request, gettext("Minutes saved."))
                return _detail(meeting)
    else:
        present = [str(a.user_id) for a in meeting.attendees.all() if a.present]
        initial = {"summary": meeting.summary, "present": present}
        initial.update({f"decision_{i.pk}": i.decision for i in agenda})
        form = MinutesForm(initial=initial, meeting=meeting, agenda=agenda, labels=labels)
        actions = ActionFormSet(
            prefix="actions",
            form_kwargs=form_kwargs,
            initial=[
                {
                    "id": a.pk,
                    "title": a.title,
                    "owner": a.owner_id,
                    "deadline": a.deadline,
                    "problem": a.problem_id,
                    "request": a.request_id,
                }
                for a in open_actions
            ],
        )
    return render(
        request,
        "issues_app/minutes_form.html",
        {"meeting": meeting, "form": form, "actions": actions},
    )


@login_required
def action_done(request, pk):
    action = (
        ActionItem.objects.filter(
            pk=pk, meeting__in=selectors.visible_meetings(request.user).values("pk")
        )
        .select_related("meeting", "owner")
        .first()
    )
    if action is None:
        raise Http404
    user = request.user
    if action.owner_id != user.pk:
        raise PermissionDenied
    if not permissions.can_complete_action(user, action):
        messages.warning(
            request,
            gettext("This action item is already “%(state)s”.")
            % {"state": action.get_state_display()},
        )
        return _detail(action.meeting)
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_action(action=action, by=user, note=form.cleaned_data["note"])
        except IssueError as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, gettext("Action item done."))
        return _detail(action.meeting)
    return render(request, "issues_app/action_done.html", {"action": action, "form": form})
