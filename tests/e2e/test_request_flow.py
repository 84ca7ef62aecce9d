"""The front half of a request in a real browser, once in English and once in Chinese:
filing to TE and PD, two-level approval, confirmation with a clarification round."""

from datetime import timedelta

import pytest
from django.utils import timezone

from collab.org.models import Department
from requests_app.models import Request

pytestmark = pytest.mark.e2e

EXPECTED_VERBS = [
    "requests.request.created",
    "requests.request.submitted",
    "requests.request.head_approved",
    "requests.request.approved",
    "requests.request.reached_departments",
    # TE's answer is also its acknowledgement of receipt.
    "requests.department.acknowledged",
    "requests.department.confirmed",
    # PD's question acknowledges receipt and stops its response clock until the answer.
    "requests.clarification.asked",
    "requests.department.acknowledged",
    "requests.department.clock_paused",
    "requests.clarification.answered",
    "requests.department.clock_resumed",
    "requests.department.confirmed",
    "requests.request.started",
]


@pytest.fixture
def act_as(page, login_as):
    def _act_as(username, language):
        login_as(page, username)
        page.goto(f"{page.base_url}/requests/")
        if language != "en":
            page.click(f"button[name=language][value={language}]")
            page.wait_for_load_state("domcontentloaded")
        assert page.locator("html").get_attribute("lang") == language
        return page

    return _act_as


def open_request(page, pk):
    page.goto(f"{page.base_url}/requests/{pk}/")


def click_action(page, testid):
    page.click(f"[data-testid={testid}]")
    page.wait_for_load_state("domcontentloaded")
    page.click("[data-testid=confirm-action]")
    page.wait_for_load_state("domcontentloaded")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_request_flow_reaches_in_progress(page, act_as, demo_users, language):
    today = timezone.localdate()
    te = Department.objects.get(code="TE")
    pd = Department.objects.get(code="PD")

    # mt_staff files the request to TE and PD.
    act_as("mt_staff", language)
    page.goto(f"{page.base_url}/requests/new/")
    page.fill("#id_title", "Spring campaign landing page")
    page.select_option("#id_type", "project")
    page.select_option("#id_priority", "high")
    page.fill("#id_contact_phone", "010-5555")
    page.fill("#id_background_goal", "More sign-ups during the spring campaign.")
    page.fill("#id_content_deliverables", "Landing page, mobile first, tested.")
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_deadline", (today + timedelta(days=30)).isoformat())
    page.select_option("#id_departments-0-department", str(te.pk))
    page.select_option("#id_departments-1-department", str(pd.pk))
    # The contact list follows the department (HTMX); PD names its head.
    page.wait_for_selector(
        f"#id_departments-1-contact option[value='{pd.head_id}']", state="attached"
    )
    page.select_option("#id_departments-1-contact", str(pd.head_id))
    page.fill("#id_milestones-0-date", (today + timedelta(days=10)).isoformat())
    page.fill("#id_milestones-0-description", "Wireframes")
    page.click("[data-testid=save-submit]")
    page.wait_for_load_state("domcontentloaded")
    number = page.text_content("[data-testid=request-number]").strip()
    assert number.startswith("MT") and len(number) == 11
    request = Request.objects.get(number=number)
    assert page.get_attribute("[data-testid=state-badge]", "data-state") == "head_review"

    # Level 1 and level 2 review.
    act_as("mt_head", language)
    open_request(page, request.pk)
    click_action(page, "action-approve")
    assert page.get_attribute("[data-testid=state-badge]", "data-state") == "leader_review"
    act_as("leader1", language)
    open_request(page, request.pk)
    click_action(page, "action-approve")
    assert page.get_attribute("[data-testid=state-badge]", "data-state") == (
        "awaiting_confirmation"
    )

    # TE confirms.
    act_as("te_liaison", language)
    open_request(page, request.pk)
    page.click("[data-testid=answer-TE-button]")
    page.check("input[name=answer][value=confirmed]")
    page.click("[data-testid=confirm-action]")
    page.wait_for_load_state("domcontentloaded")
    assert page.get_attribute("[data-testid=answer-TE]", "data-answer") == "confirmed"

    # PD asks a question, the requester answers on the page, PD confirms.
    act_as("pd_head", language)
    open_request(page, request.pk)
    page.click("[data-testid=ask-PD-button]")
    page.fill("#id_question", "Do you need product screenshots?")
    page.click("[data-testid=confirm-action]")
    page.wait_for_load_state("domcontentloaded")
    act_as("mt_staff", language)
    open_request(page, request.pk)
    page.fill("[data-testid=reply-text]", "Yes, three of them.")
    page.click("[data-testid=reply-submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "Yes, three of them." in page.text_content("[data-testid=clarification-answer]")
    act_as("pd_head", language)
    open_request(page, request.pk)
    page.click("[data-testid=answer-PD-button]")
    page.check("input[name=answer][value=confirmed]")
    page.click("[data-testid=confirm-action]")
    page.wait_for_load_state("domcontentloaded")

    # In progress, with the whole timeline.
    badge = page.locator("[data-testid=state-badge]")
    assert badge.get_attribute("data-state") == "in_progress"
    if language == "en":
        assert badge.text_content().strip() == "In progress"
    verbs = page.eval_on_selector_all(
        "[data-testid=timeline] [data-testid=event]", "els => els.map(e => e.dataset.verb)"
    )
    assert verbs == EXPECTED_VERBS, " ".join(verbs)
    timeline = page.text_content("[data-testid=timeline]")
    for person in ("mt_staff", "mt_head", "leader1", "te_liaison", "pd_head"):
        assert demo_users[person].name in timeline
    request.refresh_from_db()
    assert request.state == "in_progress"
