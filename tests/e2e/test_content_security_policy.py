"""Every main page satisfies the Content-Security-Policy in Chromium (issue 15, point 10): no
inline script or style, nothing from elsewhere. A violation is reported by the browser as a
`securitypolicyviolation` event and a console error; either fails the test."""

import re

import pytest
from django.core.management import call_command

from processes.models import RequestCard
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs in every page before its own scripts; devtools injects it, so the policy does not apply.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""


def visit(page, path: str, console: list[str]) -> list[str]:
    answer = page.goto(path)
    # /health/ may say 503: no worker runs here; its page must satisfy the policy all the same.
    assert answer is not None and (answer.status < 500 or path == "/health/"), path
    assert "content-security-policy" in answer.headers, f"{path}: no policy header"
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__cspViolations") + [
        message for message in console if "Content Security Policy" in message
    ]
    console.clear()
    return [f"{path}: {v}" for v in found]


def test_no_main_page_violates_the_policy(page):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=40)
    call_command("metrics_backfill")
    card = RequestCard.objects.order_by("pk").first()
    console: list[str] = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))

    violations = visit(page, "/accounts/login/", console)
    log_in(page, "manager")  # accountable (may create and edit cards) and staff
    expect(page.get_by_role("link", name="Board")).to_be_visible()

    for path in [
        "/",
        "/queue/",
        f"/cards/{card.pk}/",
        "/cards/new/",
        f"/cards/{card.pk}/edit/",
        "/approvals/",
        "/notifications/",
        "/settings/notifications/",
        "/risks/",
        "/dashboards/weekly/",
        "/dashboards/weekly/cards/?process=order-to-cash&metric=intake",
        "/health/",
        "/admin/",
    ]:
        violations += visit(page, path, console)

    violations += visit(page, "/api/docs/", console)
    # Swagger UI built its page from the schema with its own script, all from this server.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(re.compile("Opmodel API"))

    assert violations == []
