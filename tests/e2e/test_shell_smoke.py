"""A person logs in, switches to Chinese and back, and visits every navigation entry."""

import re

from playwright.sync_api import expect

NAV_KEYS = ["my_work", "requests", "tasks", "problems", "meetings", "ledgers"]


def test_staff_logs_in_switches_language_and_visits_every_entry(page, demo_users, login_as):
    login_as(page, "mt_staff")
    expect(page.locator("h1")).to_have_text("My work")
    expect(page.locator("[data-nav=admin]")).to_have_count(0)

    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("我的工作")
    for key in NAV_KEYS:
        page.click(f"[data-nav={key}]")
        expect(page.locator(f"[data-nav={key}]")).to_have_attribute("aria-current", "page")
        expect(page.locator("h1")).to_be_visible()
        assert "Server Error" not in page.content()
    # The choice survives a new page load.
    page.goto(page.base_url + "/")
    expect(page.locator("h1")).to_have_text("我的工作")

    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for key in NAV_KEYS:
        page.click(f"[data-nav={key}]")
        expect(page.locator(f"[data-nav={key}]")).to_have_attribute("aria-current", "page")
        assert "Server Error" not in page.content()


def test_admin_sees_admin_entry_and_opens_department_admin(page, demo_users, login_as):
    login_as(page, "admin")
    page.click("[data-nav=admin]")
    expect(page).to_have_title(re.compile("Collab administration"))
    page.click("a[href$='/admin/org/department/']")
    expect(page.locator("#result_list")).to_contain_text("MT")


def test_wrong_password_shows_error_in_browser(page, demo_users):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "mt_staff")
    page.fill("#id_password", "not-the-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".form-error")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("mt_staff")


def test_shell_fits_a_phone_width(browser, live_server, demo_users):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "te_staff")
    page.fill("#id_password", "collab-demo")
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    context.close()


def test_list_pages_fit_a_phone_width(browser, live_server, demo_users):
    from collab.core.demo import seed_domain

    seed_domain(demo_users)
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "secretary")
    page.fill("#id_password", "collab-demo")
    page.click("#login-form button[type=submit]")
    for path in ["/", "/requests/", "/tasks/", "/problems/", "/meetings/", "/ledgers/", "/kpi/"]:
        page.goto(live_server.url + path)
        expect(page.locator("h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
        # Every table either fits or scrolls sideways on its own: no column is cut off.
        clipped = page.evaluate(HIDDEN_TABLE_COLUMNS)
        assert clipped == [], (path, clipped)
    context.close()


HIDDEN_TABLE_COLUMNS = """
() => Array.from(document.querySelectorAll("main table")).filter((table) => {
  if (table.getBoundingClientRect().right <= window.innerWidth + 1) return false;
  for (let el = table; el && el !== document.body; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth) {
      return false;
    }
  }
  return true;
}).map((table) => table.className || table.id || "table")
"""
