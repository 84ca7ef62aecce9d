"""Problems and meetings in a real browser: te_staff reports a problem on a task, the
secretary grades it important, schedules a coordination meeting with it on the agenda
and publishes minutes with an action item for pd_head; pd_head sees it in My work and
completes it; the secretary records the resolution and the reporter confirms it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from collab.workdays import calendar
from collab.workdays.services import seed_from_library
from issues_app.models import ActionItem, Meeting, Problem
from tests.issues_app.factories import make_task, running_request

pytestmark = pytest.mark.e2e


def test_problem_reported_graded_discussed_actioned_and_confirmed(page, demo_users, login_as):
    users = demo_users
    # Browser tests flush the database between tests, migration data included: the
    # working-day calendar the limits need is loaded again here.
    seed_from_library()
    calendar.invalidate()
    request = running_request(users, to=("TE", "PD"), title="Spring landing page")
    task = make_task(users, request, code="TE", owner="te_staff", name="Build the page")
    base = page.base_url

    # te_staff reports a problem from the task page; a missing title is shown by its field.
    login_as(page, "te_staff")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.click("[data-testid=report-problem-link]")
    expect(page.locator("[data-testid=problem-task]")).to_contain_text(task.number)
    page.fill("#id_description", "The final designs have not arrived.")
    page.click("[data-testid=report-problem]")
    expect(page.locator("#field-title .field-error")).to_be_visible()
    page.fill("#id_title", "Design files arrive late")
    page.select_option("#id_category", "information")
    page.fill("#id_description", "The final designs have not arrived.")
    page.fill("#id_impact", "Front-end work is blocked.")
    pd = request.departments.get(department__code="PD").department_id
    page.check(f"input[name=departments][value='{pd}']")
    page.click("[data-testid=report-problem]")
    expect(page.locator("[data-testid=problem-state]")).to_have_text("Awaiting grading")
    problem = Problem.objects.get()
    assert problem.task_id == task.pk
    problem_url = f"{base}/problems/{problem.pk}/"

    # The secretary finds it in My work and grades it important.
    login_as(page, "secretary")
    page.click(f"text={problem.number} Design files arrive late")
    page.click("[data-testid=action-grade]")
    page.check("input[name=grade][value=important]")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=problem-grade]")).to_have_text("Important")
    expect(page.locator("[data-testid=problem-owner]")).to_have_text(users["secretary"].name)

    # A coordination meeting with the problem on its agenda (held an hour ago).
    page.click("[data-testid=action-meeting]")
    expect(page.locator("#id_title")).not_to_have_value("")
    started = timezone.localtime() - timedelta(hours=1)
    page.fill("#id_starts_at", started.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_duration_minutes", "45")
    page.fill("#id_place", "Meeting room 3")
    page.click("[data-testid=schedule-meeting]")
    expect(page.locator("[data-testid=meeting-title]")).to_be_visible()
    expect(page.locator("[data-testid=agenda-item]")).to_contain_text("Design files arrive late")
    meeting = Meeting.objects.get()

    # Minutes: attendance, the decision, an action item for pd_head; then publish.
    page.click("[data-testid=action-minutes]")
    page.check(f"input[name=present][value='{users['pd_liaison'].pk}']")
    page.fill("textarea[name^=decision_]", "Product sends the final designs by Wednesday.")
    page.fill("#id_actions-0-title", "Send the final designs")
    page.select_option("#id_actions-0-owner", str(users["pd_head"].pk))
    deadline = timezone.localdate() + timedelta(days=2)
    page.fill("#id_actions-0-deadline", deadline.isoformat())
    page.select_option("#id_actions-0-problem", str(problem.pk))
    page.click("[data-testid=save-and-publish]")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=meeting-state]")).to_have_text("Minutes published")
    expect(page.locator("[data-testid=action-row]")).to_contain_text("Send the final designs")
    assert Meeting.objects.get(pk=meeting.pk).published_at is not None

    # pd_head sees the action item in My work and completes it.
    login_as(page, "pd_head")
    expect(page.locator("table.inbox")).to_contain_text("Send the final designs")
    page.click("text=Send the final designs")
    page.click("[data-testid=action-done]")
    page.fill("#id_note", "Designs sent to TE.")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=action-state]")).to_have_text("Done")
    assert ActionItem.objects.get().state == "done"
    page.goto(f"{base}/")
    expect(page.locator("main")).not_to_contain_text("Send the final designs")

    # The secretary, the owner, records the resolution.
    login_as(page, "secretary")
    page.goto(problem_url)
    page.click("[data-testid=action-resolve]")
    page.fill("#id_resolution", "Designs delivered; the front end is unblocked.")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=problem-resolution]")).to_be_visible()

    # The reporter confirms it from My work; the task page shows it resolved.
    login_as(page, "te_staff")
    page.click(f"text={problem.number} Design files arrive late")
    page.click("[data-testid=action-confirm]")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=problem-state]")).to_have_text("Closed")
    page.goto(f"{base}/tasks/{task.pk}/")
    expect(page.locator("[data-testid=task-problems] [data-testid=problem-status]")).to_have_text(
        "Resolved"
    )
    assert Problem.objects.get().state == "closed"
