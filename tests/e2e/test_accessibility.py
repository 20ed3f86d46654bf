"""Accessibility as a test (issues 14 and 22): the current axe-core, vendored from its npm
package in tests/e2e/vendor/axe-core (nothing fetched at run time), checks every main page of
the seeded demo at 1,440 and at 390 px, the API docs and a closed review included, and any
serious or critical violation fails. Also: the approvals inbox at phone width (390 x 844) fits
the screen and can approve."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from metrics.services.deadlines import deadline_scan
from notifications.models import Notification
from processes.models import ApprovalRequest, RequestCard
from reviews.models import Review
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BLOCKING = {"serious", "critical"}
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}


def violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now, in words. In a
    context made with `bypass_csp=True` axe is added as a script tag; in any other (the app's
    strict CSP refuses an inline script) it comes in as an init script, with a reload."""
    from playwright.sync_api import Error

    try:
        page.add_script_tag(path=str(AXE))
    except Error:
        page.add_init_script(path=str(AXE))
        page.reload()
    assert page.evaluate("axe.version") == AXE_VERSION
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def demo(db):
    call_command("seed_demo", cards=60)
    call_command("metrics_backfill")
    call_command("seed_demo_goals")
    call_command("seed_demo_reviews")
    deadline_scan(now=timezone.now())
    return {
        "card": RequestCard.objects.filter(status="priced").order_by("pk").first()
        or RequestCard.objects.order_by("pk").first(),
        "closed_review": Review.objects.filter(closed_at__isnull=False).order_by("-pk").first(),
        "complaint": RequestCard.objects.filter(process__slug="customer-service").first(),
    }


def _axe_page(browser, live_server, width: str):
    w, h = WIDTHS[width]
    # Only this test's context lets the injected script past the app's strict CSP.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": w, "height": h}, locale="en-US",
        bypass_csp=True,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_every_main_page_passes_the_current_axe(browser, live_server, demo):
    # Both widths in one test: the demo is seeded once (CI time), and each width still fails
    # with its own pages named. Each walk starts from the seeded inbox: opening a card reads
    # its alerts, so the first walk's reads are undone before the second.
    unread = list(Notification.objects.filter(read_at=None).values_list("pk", flat=True))
    failing = []
    for width in WIDTHS:
        Notification.objects.filter(pk__in=unread).update(read_at=None)
        failing += [f"{width} {line}" for line in _axe_walk(browser, live_server, demo, width)]
    assert not failing, "\n".join(failing)


def _axe_walk(browser, live_server, demo, width: str) -> list[str]:
    """The blocking violations of every main page at `width`, each with its page's name."""
    context, page = _axe_page(browser, live_server, width)
    try:
        page.goto("/accounts/login/")
        problems = {"login": violations(page)}
        log_in(page, "ops")
        card = demo["card"].pk
        for name, url in [
            ("board", "/"),
            ("queue", "/queue/"),
            ("card", f"/cards/{card}/"),
            ("card form", "/cards/new/"),
            ("alerts", "/notifications/"),
            ("alert settings", "/settings/notifications/"),
            ("risks", "/risks/"),
            ("weekly dashboard", "/dashboards/weekly/"),
            ("goals", "/goals/"),
            ("reviews", "/reviews/"),
            ("decisions", "/decisions/"),
            ("API docs", "/api/docs/"),
        ]:
            page.goto(url)
            problems[name] = violations(page)
        page.goto("/dashboards/weekly/")
        page.locator("[data-number='throughput']").click()
        problems["weekly card list"] = violations(page)
        page.get_by_role("button", name="Log out").click()
        log_in(page, "owner")
        for name, url in [
            ("approvals", "/approvals/"),
            ("my requests", "/approvals/?show=mine"),
            ("model health", "/model-health/"),
            ("closed review", f"/reviews/{demo['closed_review'].pk}/"),
            # Customer service (issue 26): the owner holds an approver's role there too.
            ("new complaint", "/complaints/new/"),
            ("complaint", f"/cards/{demo['complaint'].pk}/"),
        ]:
            page.goto(url)
            problems[name] = violations(page)
    finally:
        context.close()
    return [f"{name}: {line}" for name, found in problems.items() for line in found]


def test_the_approvals_inbox_approves_at_phone_width(browser, live_server, demo):
    from playwright.sync_api import expect

    pending = ApprovalRequest.objects.filter(status="pending").select_related("card").first()
    assert pending is not None, "the demo has a pending exception"
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-US"
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        log_in(phone, "owner")
        phone.goto("/approvals/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        row = phone.locator(f"#approval-{pending.pk}")
        approve = row.get_by_role("button", name="Approve")
        approve.scroll_into_view_if_needed()
        box = approve.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        # A rejection without a comment is refused, and the page is no longer the POST's.
        row.get_by_role("button", name="Reject").click()
        expect(phone.get_by_test_id("row-error")).to_contain_text("comment")
        assert "/approvals/" in phone.url and "/decide/" not in phone.url
        expect(phone.locator(f"#comment-{pending.pk}")).to_be_focused()
        phone.locator(f"#approval-{pending.pk}").get_by_role("button", name="Approve").click()
        expect(phone.locator(".flash-success")).to_contain_text("Approved")
        pending.refresh_from_db()
        assert pending.status == "approved"
    finally:
        context.close()
