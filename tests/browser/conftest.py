"""Real Chromium (Debian's package) driven by Playwright, against a live server.

Never downloads a browser, never installs one: without Chromium (CRM_CHROMIUM,
default /usr/bin/chromium) every browser test is skipped for one reason, which
the summary prints once; with CRM_REQUIRE_BROWSER=1 (CI) each of them fails
instead.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls
# the tests make around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Decided before any fixture runs (no database, no live server). Skipping
    from here, rather than from a fixture, gives every skip the same location,
    so ``-ra`` folds them into one line: "SKIPPED [30] tests/browser/conftest.py"."""
    if Path(CHROMIUM).is_file():
        return
    if os.environ.get("CRM_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"CRM_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: "
            "install Debian's chromium package (.ci/run does).",
            pytrace=False,
        )
    pytest.skip(
        f"browser tests: {CHROMIUM} is missing (apt-get install chromium; CI requires them)"
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright gives every launch a fresh, empty profile (user data dir).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    # The page's scripts see the suite's frozen clock too (it keeps running).
    context.clock.install(time=time.time())
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def sign_in(page, username: str, password: str = "password") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
