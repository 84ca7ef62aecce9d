"""Every kind of page runs under the Content-Security-Policy without a single violation.

A few demo personas sign in and open each page type, with the HTMX parts and scripts
they use; the administrator opens every admin list and an object of each, and the API
documentation. The browser reports every blocked script, style, style attribute,
image, font, worker or connection both as a `securitypolicyviolation` event and as a
console message: either one fails the test, naming the page and what was blocked."""

import pytest
from playwright.sync_api import expect

from collab.core.demo import seed_domain
from issues_app.models import Meeting, Problem
from requests_app.models import Request
from tasks_app.models import Task

pytestmark = pytest.mark.e2e

# Runs in every document before its own scripts: each violation goes to the test at once,
# so none is lost when the page navigates away straight after.
LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.reportCspViolation({
    page: document.location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


@pytest.fixture
def violations(page):
    found = []

    def report(violation):
        found.append(violation)

    def on_console(message):
        if "Content Security Policy" in message.text:
            found.append({"page": page.url, "console": message.text})

    page.context.expose_function("reportCspViolation", report)
    page.context.add_init_script(LISTENER)
    page.on("console", on_console)
    return found


def visit(page, path):
    response = page.goto(page.base_url + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert response.header_value("Content-Security-Policy"), path
    page.wait_for_load_state("networkidle")


def test_no_page_violates_the_content_security_policy(page, demo_users, login_as, violations):
    seed_domain(demo_users)
    booth = Request.objects.get(title="Trade show booth and materials")
    task = Task.objects.filter(request=booth).order_by("pk").first()
    problem = Problem.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    assert task and problem and meeting, "the demo data has tasks, problems and meetings"

    visit(page, "/accounts/login/")

    # The requester: My work (with the HTMX notification bell), her requests, the request
    # form with its HTMX contact list and "add a row" script.
    login_as(page, "mt_staff")
    for path in [
        "/",
        "/requests/",
        f"/requests/{booth.pk}/",
        "/requests/new/",
        "/notifications/",
        "/notifications/settings/",
        "/api/tokens/",
        "/accounts/password/",
    ]:
        visit(page, path)
    page.goto(page.base_url + "/")
    expect(page.locator("[data-testid=notify-bell]")).to_be_visible()
    page.goto(page.base_url + "/requests/new/")
    department = page.locator("[data-testid=department-select]").first
    department.select_option(index=1)
    contacts = page.locator("[data-testid=contact-select]").first.locator("option")
    expect(contacts).not_to_have_count(1)
    rows = page.locator("[data-prefix=departments] .formset-row")
    count = rows.count()
    page.click("[data-testid=add-department]")
    expect(rows).to_have_count(count + 1)

    # The executing side: task list, board and detail (progress bars), problems.
    login_as(page, "pd_staff")
    for path in [
        "/",
        "/tasks/",
        "/tasks/board/",
        f"/tasks/{task.pk}/",
        "/problems/",
        f"/problems/{problem.pk}/",
        f"/requests/{booth.pk}/",
    ]:
        visit(page, path)

    # The secretary: problems, meetings, ledgers, the KPI dashboard with its charts.
    login_as(page, "secretary")
    for path in [
        "/",
        "/problems/",
        f"/problems/{problem.pk}/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        "/meetings/new/",
        "/ledgers/",
        "/ledgers/problems/",
        "/ledgers/archive/",
        "/kpi/",
        "/tasks/board/",
    ]:
        visit(page, path)
    expect(page.locator("[data-testid=board]")).to_be_visible()

    # The administrator: every admin list, the first object of each, the admin's own
    # pages, and the API documentation.
    login_as(page, "admin")
    visit(page, "/admin/")
    lists = page.eval_on_selector_all(
        "#content-main th[scope=row] a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(lists) > 20, lists
    for path in lists:
        visit(page, path)
        first = page.locator("#result_list tbody th a").first
        if first.count():
            visit(page, first.get_attribute("href"))
    for path in [
        "/admin/workdays/calendaryear/confirm/",
        "/admin/password_change/",
        f"/admin/org/user/{demo_users['mt_staff'].pk}/change/",
        f"/admin/issues_app/meeting/{meeting.pk}/change/",
        "/api/docs/",
        "/api/redoc/",
    ]:
        visit(page, path)
    # The admin's autocomplete (select2) opens its drop-down.
    visit(page, "/admin/org/department/")
    visit(page, page.locator("#result_list tbody th a").first.get_attribute("href"))
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    # The API documentation actually renders, from local files only.
    page.goto(page.base_url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Collab API")
    page.goto(page.base_url + "/api/redoc/")
    expect(page.locator("#redoc-container h1").first).to_contain_text("Collab API", timeout=30_000)
    page.wait_for_load_state("networkidle")

    assert violations == [], "\n".join(map(str, violations))
