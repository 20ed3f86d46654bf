"""Browser tests: Playwright for Python driving Debian's Chromium (never `playwright install`).

Without /usr/bin/chromium the browser tests skip, so a machine with only Python still passes;
CI sets OPMODEL_REQUIRE_BROWSER=1, and then a missing browser fails loudly instead.
"""

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _browser_unavailable(reason: str):
    if os.environ.get("OPMODEL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"OPMODEL_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def browser():
    """Chromium for one test.

    Started and stopped per test on purpose: while Playwright's sync API runs, the test's code
    sees another contextvars context, so Django hands it other connection objects than the
    ones the test database setup prepared (and serialized_rollback relies on). Stopping
    Playwright before the database teardown gives those back; the connections opened meanwhile
    are closed here, or PostgreSQL could not drop the test database at the end.
    """
    if not os.path.exists(CHROMIUM):
        _browser_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_unavailable("Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            connections.close_all()
            browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1440, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def midweek(settings):
    """The clock at noon on the Wednesday, in Europe/Berlin (the demo's zone), of the week the
    real clock is in, moving on from there. The demo is seeded relative to now (seed_demo), so
    its weeks then look the same whatever the hour: run just after midnight on a Monday, the
    last complete week of a small demo may have had no finished card at all. Chromium keeps the
    real clock: the session cookie has no expiry date to be past."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    berlin = ZoneInfo("Europe/Berlin")
    today = datetime.now(berlin).date()
    wednesday = today - timedelta(days=today.weekday() - 2)
    with time_machine.travel(datetime.combine(wednesday, time(12), berlin), tick=True):
        yield


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot to artifacts/<name>.png (artifacts/ is gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
