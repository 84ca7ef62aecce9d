"""Browser tests: Playwright for Python driving Debian's Chromium against live_server.

They never skip: without /usr/bin/chromium they fail and say how to install it."""

import os
import shutil

import pytest

from collab.org.demo import DEMO_PASSWORD, seed_organisation

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself (creating data, asserting rows) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            "Browser tests need Debian's Chromium: run `apt-get install chromium` as root "
            "(make test does this itself when it runs as root), or set CHROMIUM to its path.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_users(transactional_db):
    # Browser tests run on a flushed database, which also empties the working-day
    # calendar that the data migration loaded; load it again like a fresh install.
    from collab.workdays.services import seed_from_library

    seed_from_library()
    return seed_organisation()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def login_as(live_server):
    """login_as(page, "mt_staff") logs in through the real log-in form."""

    def _login(page, username, password=DEMO_PASSWORD):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
        return page

    return _login
