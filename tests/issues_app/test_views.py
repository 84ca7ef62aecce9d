"""Pages and actions through the test client: forms with errors next to fields, stale
clicks explained, 404 for what a person may not see, files behind the same check."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from issues_app import services
from issues_app.models import Grade, MeetingKind, Problem, ProblemState

from .factories import make_task, report, running_request

pytestmark = pytest.mark.django_db


def test_report_form_on_request_prefills_departments_and_creates_problem(demo, client):
    request = running_request(demo)
    client.force_login(demo["te_staff"])
    url = reverse("issues:report_for_request", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200
    addressed = sorted(rd.department_id for rd in request.departments.all())
    assert sorted(page.context["form"].initial["departments"]) == addressed
    pd = request.departments.get(department__code="PD").department_id
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        url,
        {
            "title": "Designs late",
            "category": "information",
            "description": "No designs.",
            "impact": "Blocked.",
            "departments": [pd],
            "attachments": [upload],
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("issues:problem", args=[problem.pk])
    assert problem.attachments.count() == 1
    detail = client.get(response["Location"])
    assert "Designs late" in detail.content.decode()


def test_report_form_errors_next_to_fields(demo, client):
    request = running_request(demo)
    client.force_login(demo["te_staff"])
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("issues:report_for_request", args=[request.pk]),
        {"title": "", "category": "nonsense", "attachments": [bad]},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"title", "category", "description", "impact", "departments", "attachments"} <= set(
        form.errors
    )
    assert 'id="field-title"' in response.content.decode()
    assert not Problem.objects.exists()


def test_report_on_task_page(demo, client):
    request = running_request(demo)
    task = make_task(demo, request)
    client.force_login(demo["te_staff"])
    page = client.get(reverse("issues:report_for_task", args=[task.pk]))
    assert page.status_code == 200
    assert task.number in page.content.decode()


def test_report_on_invisible_request_is_404(demo, client):
    request = running_request(demo, confidential=True)
    client.force_login(demo["fi_staff"])
    assert client.get(reverse("issues:report_for_request", args=[request.pk])).status_code == 404


def test_grade_page_then_stale_second_click_explained(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    client.force_login(demo["secretary"])
    url = reverse("issues:problem_grade", args=[problem.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"grade": Grade.IMPORTANT, "comment": ""})
    assert response.status_code == 302
    again = client.post(url, {"grade": Grade.MAJOR}, follow=True)
    assert again.status_code == 200
    text = again.content.decode()
    assert "has changed in the meantime" in text or "已" in text
    problem.refresh_from_db()
    assert problem.grade == Grade.IMPORTANT


def test_grade_page_for_non_secretary_is_403(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    client.force_login(demo["mt_head"])
    assert client.get(reverse("issues:problem_grade", args=[problem.pk])).status_code == 403


def test_grade_without_choice_shows_field_error(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    client.force_login(demo["secretary"])
    response = client.post(reverse("issues:problem_grade", args=[problem.pk]), {"grade": "huge"})
    assert response.status_code == 200
    assert "grade" in response.context["form"].errors


def test_respond_post_and_confirm_flow(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    client.force_login(demo["pd_liaison"])
    detail = client.get(reverse("issues:problem", args=[problem.pk]))
    assert 'data-testid="respond-form"' in detail.content.decode()
    pd = problem.departments.get().department_id
    response = client.post(
        reverse("issues:problem_respond", args=[problem.pk]), {"department": pd, "text": "Friday."}
    )
    assert response.status_code == 302
    client.force_login(demo["mt_head"])
    client.post(reverse("issues:problem_resolve", args=[problem.pk]), {"resolution": "Sent."})
    client.force_login(demo["te_staff"])
    client.post(reverse("issues:problem_confirm", args=[problem.pk]), {"comment": ""})
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED


def test_reopen_requires_reason(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    services.resolve_problem(problem=problem, by=demo["mt_head"], resolution="Done.")
    client.force_login(demo["te_staff"])
    response = client.post(reverse("issues:problem_reopen", args=[problem.pk]), {"comment": ""})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors


def test_problem_action_urls_404_for_invisible(demo, client):
    request = running_request(demo, confidential=True)
    problem = report(demo, request, by="te_liaison")
    client.force_login(demo["fi_head"])
    for name in (
        "problem",
        "problem_grade",
        "problem_resolve",
        "problem_confirm",
        "problem_reopen",
        "problem_escalate",
        "problem_owner",
        "problem_refer",
        "problem_rule",
        "problem_dismiss",
    ):
        assert client.get(reverse(f"issues:{name}", args=[problem.pk])).status_code == 404, name
    for name in ("problem_respond", "problem_entry", "problem_attachment_add"):
        assert client.post(reverse(f"issues:{name}", args=[problem.pk])).status_code == 404, name


def test_attachment_download_checked(demo, client):
    request = running_request(demo, confidential=True)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    problem = report(demo, request, by="te_liaison", files=[upload])
    attachment = problem.attachments.get()
    url = reverse("issues:problem_attachment", args=[problem.pk, attachment.pk])
    client.force_login(demo["te_head"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    client.force_login(demo["secretary"])
    assert client.get(url).status_code == 404
    other = report(demo, request, by="te_liaison")
    client.force_login(demo["te_head"])
    wrong = reverse("issues:problem_attachment", args=[other.pk, attachment.pk])
    assert client.get(wrong).status_code == 404


def test_problem_list_filters(demo, client):
    request = running_request(demo)
    general = report(demo, request, title="Alpha")
    services.grade_problem(problem=general, by=demo["secretary"], grade=Grade.GENERAL)
    report(demo, request, title="Beta")
    client.force_login(demo["secretary"])
    url = reverse("issues:problems")
    assert len(client.get(url).context["page"].object_list) == 2
    graded = client.get(url + "?grade=general").context["page"].object_list
    assert [p.title for p in graded] == ["Alpha"]
    ungraded = client.get(url + "?grade=ungraded").context["page"].object_list
    assert [p.title for p in ungraded] == ["Beta"]
    assert list(client.get(url + "?overdue=on").context["page"].object_list) == []
    assert client.get(url + "?grade=bogus&page=x").status_code == 200


def test_problem_list_overdue_filter_finds_late_problem(demo, client):
    request = running_request(demo)
    problem = report(demo, request, now=timezone.now() - datetime.timedelta(days=10))
    services.grade_problem(
        problem=problem,
        by=demo["secretary"],
        grade=Grade.IMPORTANT,
        now=timezone.now() - datetime.timedelta(days=10),
    )
    client.force_login(demo["secretary"])
    page = client.get(reverse("issues:problems") + "?overdue=on")
    assert [p.pk for p in page.context["page"].object_list] == [problem.pk]
    assert "overdue" in page.content.decode()


def _meeting_post(demo, **overrides):
    data = {
        "kind": MeetingKind.COORDINATION,
        "title": "Design hand-off",
        "starts_at": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "place": "Room 3",
        "chair": demo["secretary"].pk,
        "attendees": [demo["te_liaison"].pk, demo["pd_liaison"].pk],
    }
    data.update(overrides)
    return data


def test_meeting_create_prefilled_from_problem_and_saved(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    client.force_login(demo["secretary"])
    page = client.get(reverse("issues:meeting_create") + f"?problem={problem.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["problems"] == [problem.pk]
    response = client.post(
        reverse("issues:meeting_create"), _meeting_post(demo, problems=[problem.pk])
    )
    assert response.status_code == 302
    meeting = problem.agenda_items.get().meeting
    detail = client.get(reverse("issues:meeting", args=[meeting.pk]))
    assert problem.title in detail.content.decode()


def test_meeting_create_errors_next_to_fields(demo, client):
    client.force_login(demo["secretary"])
    response = client.post(
        reverse("issues:meeting_create"),
        _meeting_post(demo, kind=MeetingKind.MILESTONE, starts_at="tomorrow", place=""),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"starts_at", "place", "request", "milestone_stage"} <= set(errors)


def test_meeting_create_forbidden_for_staff(demo, client):
    client.force_login(demo["mt_staff"])
    assert client.get(reverse("issues:meeting_create")).status_code == 403


def test_minutes_page_save_publish_and_action_done(demo, client):
    request = running_request(demo)
    problem = report(demo, request)
    meeting = services.schedule_meeting(
        by=demo["secretary"],
        title="Hand-off",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        duration_minutes=60,
        place="Room 3",
        chair=demo["secretary"],
        attendees=[demo["pd_head"]],
        problems=[problem],
    )
    client.force_login(demo["secretary"])
    url = reverse("issues:meeting_minutes", args=[meeting.pk])
    assert client.get(url).status_code == 200
    item = meeting.agenda.get()
    base = {
        "summary": "Done",
        "present": [demo["pd_head"].pk],
        f"decision_{item.pk}": "PD sends designs.",
        "actions-TOTAL_FORMS": 2,
        "actions-INITIAL_FORMS": 0,
        "actions-MIN_NUM_FORMS": 0,
        "actions-MAX_NUM_FORMS": 100,
        "actions-0-title": "Send designs",
        "actions-0-owner": "",
        "actions-0-deadline": "",
    }
    invalid = client.post(url, base)
    assert invalid.status_code == 200
    assert "owner" in invalid.context["actions"].forms[0].errors
    deadline = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    base.update({"actions-0-owner": demo["pd_head"].pk, "actions-0-deadline": deadline})
    response = client.post(url, {**base, "publish": "1"})
    assert response["Location"] == reverse("issues:meeting_publish", args=[meeting.pk])
    client.post(reverse("issues:meeting_publish", args=[meeting.pk]), {"comment": ""})
    meeting.refresh_from_db()
    assert meeting.state == "published"
    # A stale second publish is explained, not a 500.
    stale = client.post(reverse("issues:meeting_publish", args=[meeting.pk]), {}, follow=True)
    assert stale.status_code == 200
    assert "changed in the meantime" in stale.content.decode()

    action = meeting.actions.get()
    client.force_login(demo["te_head"])
    assert client.get(reverse("issues:action_done", args=[action.pk])).status_code == 404
    client.force_login(demo["pd_head"])
    done_url = reverse("issues:action_done", args=[action.pk])
    assert client.get(done_url).status_code == 200
    client.post(done_url, {"note": "Sent"})
    action.refresh_from_db()
    assert action.state == "done"
    again = client.post(done_url, {"note": "Sent"}, follow=True)
    assert "already" in again.content.decode()


def test_meeting_list_views(demo, client):
    past = services.schedule_meeting(
        by=demo["secretary"],
        title="Past one",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        duration_minutes=60,
        place="Room 1",
        chair=demo["secretary"],
        attendees=[],
    )
    upcoming = services.schedule_meeting(
        by=demo["secretary"],
        title="Coming one",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        place="Room 1",
        chair=demo["secretary"],
        attendees=[],
    )
    client.force_login(demo["secretary"])
    url = reverse("issues:meetings")
    assert [m.pk for m in client.get(url).context["page"].object_list] == [upcoming.pk]
    due = client.get(url + "?view=minutes_due")
    assert [m.pk for m in due.context["page"].object_list] == [past.pk]
    assert "overdue" in due.content.decode()
    assert [m.pk for m in client.get(url + "?view=past").context["page"].object_list] == [past.pk]
    assert client.get(url + "?view=nonsense").status_code == 200


def test_request_and_task_partials_render_problem_status(demo, rf):
    from django.template.loader import render_to_string

    request = running_request(demo)
    task = make_task(demo, request)
    report(demo, request, task=task, title="Task blocker")
    http = rf.get("/")
    http.user = demo["te_staff"]
    html = render_to_string(
        "issues_app/partials/task_problems.html", {"task": task, "request": http}
    )
    assert "Task blocker" in html
    assert "Pending" in html or "待" in html
    assert reverse("issues:report_for_task", args=[task.pk]) in html
    html = render_to_string(
        "issues_app/partials/request_problems.html", {"collab_request": request, "request": http}
    )
    assert "Task blocker" in html
    http.user = demo["fi_staff"]
    html = render_to_string(
        "issues_app/partials/request_problems.html", {"object": request, "request": http}
    )
    assert "Task blocker" not in html
