"""The back half of a request in a real browser: te_head breaks a confirmed request into
two tasks, te_staff works on one and delivers a file, mt_staff sends it back, te_staff
redelivers, mt_staff accepts and rates TE, and the request page shows the outcome."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks_app import services
from tasks_app.models import AcceptanceRound, Task, TaskEvent
from tests.tasks_app.factories import confirmed_request

pytestmark = pytest.mark.e2e

PDF = {"name": "landing-v1.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 v1"}


def _fill_task(page, *, name, owner, finish):
    today = timezone.localdate()
    page.fill("#id_name", name)
    page.select_option("#id_owner", str(owner.pk))
    page.fill("#id_planned_start", today.isoformat())
    page.fill("#id_planned_finish", finish.isoformat())
    page.fill("#id_deliverable_standard", "Works on mobile; approved by marketing.")


def test_tasks_are_broken_down_worked_rejected_redelivered_accepted_and_rated(
    page, demo_users, login_as
):
    users = demo_users
    request = confirmed_request(users, to=("TE",), title="Spring landing page")
    request_url = f"{page.base_url}/requests/{request.pk}/"
    today = timezone.localdate()

    # te_head breaks the request into two tasks.
    login_as(page, "te_head")
    page.goto(request_url)
    page.click("[data-testid=add-task-TE]")
    page.fill("#id_planned_finish", (today - timedelta(days=20)).isoformat())
    page.click("[data-testid=task-save]")
    expect(page.locator("#field-name .field-error")).to_be_visible()  # errors next to fields
    expect(page.locator("#field-planned_finish .field-error")).to_be_visible()
    _fill_task(
        page, name="Build the page", owner=users["te_staff"], finish=today + timedelta(days=7)
    )
    page.click("[data-testid=task-save-another]")
    _fill_task(
        page, name="Set up tracking", owner=users["te_liaison"], finish=today + timedelta(days=5)
    )
    page.click("[data-testid=task-save]")
    expect(page.locator("[data-testid=request-task]")).to_have_count(2)
    first, second = Task.objects.order_by("seq")
    assert (first.number, second.number) == (f"{request.number}-01", f"{request.number}-02")

    # te_staff starts the first task, posts progress and delivers a file.
    login_as(page, "te_staff")
    page.goto(f"{page.base_url}/tasks/")
    page.click(f"[data-testid=task-row][data-number='{first.number}'] a >> nth=0")
    page.click("[data-testid=action-start]")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=task-state]")).to_have_attribute("data-state", "in_progress")
    page.fill("#id_text", "Layout done, front end 30%")
    page.fill("#id_percent", "30")
    page.click("[data-testid=progress-submit]")
    expect(page.locator("[data-testid=progress-entry]")).to_have_count(1)
    expect(page.locator("[data-testid=progress-day][data-has-entry=yes]")).to_have_count(1)
    page.click("[data-testid=action-deliver]")
    page.click("[data-testid=confirm-action]")  # nothing handed in yet
    expect(page.locator("#field-files .field-error")).to_be_visible()
    page.fill("#id_note", "First version")
    page.set_input_files("#id_files", files=[PDF])
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=task-state]")).to_have_attribute("data-state", "delivered")

    # mt_staff rejects with the required changes and a new deadline.
    login_as(page, "mt_staff")
    page.goto(f"{page.base_url}/tasks/{first.pk}/")
    expect(page.locator("[data-testid=deliverable-file]")).to_have_text("landing-v1.pdf")
    page.click("[data-testid=action-reject]")
    page.fill("#id_changes", "Make the sign-up button bigger")
    page.fill("#id_new_deadline", (today + timedelta(days=3)).isoformat())
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=task-state]")).to_have_attribute("data-state", "rework")

    # te_staff redelivers.
    login_as(page, "te_staff")
    page.goto(f"{page.base_url}/tasks/{first.pk}/")
    expect(page.locator("[data-testid=required-changes]")).to_contain_text("bigger")
    page.click("[data-testid=action-resume]")
    page.click("[data-testid=confirm-action]")
    page.click("[data-testid=action-deliver]")
    page.fill("#id_links", "https://intranet.example.com/landing-v2")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=round]")).to_have_count(2)

    # The second task is done by te_liaison behind the scenes.
    services.start_task(task=second, by=users["te_liaison"])
    services.deliver_task(
        task=second, by=users["te_liaison"], links=["https://intranet.example.com/tracking"]
    )
    services.accept_task(task=second, by=users["mt_staff"])

    # mt_staff accepts and rates TE.
    login_as(page, "mt_staff")
    page.goto(f"{page.base_url}/tasks/{first.pk}/")
    page.click("[data-testid=action-accept]")
    page.click("[data-testid=confirm-action]")
    expect(page.locator("[data-testid=task-state]")).to_have_attribute("data-state", "accepted")
    expect(page.locator("[data-testid=accepted-signature]")).to_contain_text("马专员")
    page.goto(request_url)
    page.click("[data-testid=rate-TE]")
    page.check("#field-speed input[value='5']")
    page.check("#field-professionalism input[value='4']")
    page.check("#field-cooperation input[value='5']")
    page.fill("#id_remarks", "Quick and careful")
    page.click("[data-testid=rating-submit]")

    # The request page shows the outcome.
    expect(page.locator("[data-testid=state-badge]")).to_have_attribute("data-state", "completed")
    expect(page.locator("[data-testid=rating-TE]")).to_be_visible()
    expect(page.locator("[data-testid=request-task] [data-testid=task-state]")).to_have_count(2)
    for badge in page.locator("[data-testid=request-task] [data-testid=task-state]").all():
        expect(badge).to_have_attribute("data-state", "accepted")

    first.refresh_from_db()
    assert first.rejection_rounds == 1
    rounds = list(AcceptanceRound.objects.filter(task=first).order_by("number"))
    assert [r.result for r in rounds] == ["failed", "passed"]
    assert list(
        TaskEvent.objects.filter(task=first).order_by("at", "pk").values_list("verb", flat=True)
    ) == [
        "tasks.task.created",
        "tasks.task.started",
        "tasks.task.progress",
        "tasks.task.delivered",
        "tasks.task.rejected",
        "tasks.task.resumed",
        "tasks.task.delivered",
        "tasks.task.accepted",
    ]


def test_task_page_switches_to_chinese(page, demo_users, login_as):
    request = confirmed_request(demo_users, to=("TE",))
    task = services.create_task(
        request=request,
        department=demo_users["te_head"].department,
        by=demo_users["te_head"],
        name="Build the page",
        owner=demo_users["te_staff"],
        planned_start=timezone.localdate(),
        planned_finish=timezone.localdate() + timedelta(days=3),
        deliverable_standard="Works on mobile.",
    )
    login_as(page, "te_staff")
    page.goto(f"{page.base_url}/tasks/{task.pk}/")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("[data-testid=task-number]")).to_have_text(task.number)
    page.goto(f"{page.base_url}/tasks/board/")
    expect(page.locator("[data-testid=board]")).to_be_visible()
    page.click("button[name=language][value=en]")
