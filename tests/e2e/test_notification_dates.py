"""A Chinese-speaking liaison reads a new request's deadline in local time, in Chinese
formats, on the notifications page: never an ISO timestamp."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from requests_app import services
from requests_app.models import RequestDepartment
from tests.requests_app.factories import make_request

pytestmark = pytest.mark.e2e

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_chinese_reader_sees_the_local_deadline_on_the_notifications_page(
    page, demo_users, login_as
):
    # 04:52:45 UTC today, 12:52 in Shanghai: the leader's approval reaches TE.
    reached_at = (
        timezone.now()
        .astimezone(datetime.UTC)
        .replace(hour=4, minute=52, second=45, microsecond=130206)
    )
    request = make_request(demo_users, stage="leader_review", to=("TE",))
    services.approve_request(request=request, by=demo_users["leader1"], now=reached_at)
    due = RequestDepartment.objects.get(request=request).response_due.astimezone(SHANGHAI)
    assert demo_users["te_liaison"].preferred_language == "zh-hans"

    login_as(page, "te_liaison")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.goto(page.base_url + "/notifications/")
    expect(page.locator("h1")).to_have_text("通知")

    item = page.locator(".notification", has_text=request.number)
    expect(item).to_have_count(1)
    body = item.locator(".notification-body")
    expect(body).to_contain_text(f"{due.year}年{due.month}月{due.day}日 12:52")
    text = page.locator("main").inner_text()
    assert not ISO.search(text), text
    assert "+00:00" not in text
    assert "04:52" not in body.inner_text()
