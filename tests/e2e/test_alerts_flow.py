"""Issue 22's alerts in the browser: the manager's "Approval needed" stays in their inbox, first
and marked as waiting, after a later @mention on the same card (the inbox showed one line per
card, and the mention hid the request), until the request is decided."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from processes.models import ApprovalRequest, Client
from processes.services import card_create, card_item_add, card_transition, card_update
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_approval_request_stays_visible_after_a_later_mention(page, screenshot, o2c):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=0)
    ops = get_user_model().objects.get(username="ops")
    client, _ = Client.objects.get_or_create(name="Acme Tools")
    card = card_create(actor=ops, process=o2c, title="Browser test: 40 grinders", client=client)
    card_item_add(actor=ops, card=card, product="Grinder", quantity=Decimal("40"),
                  unit_price=Decimal("89.00"), unit_cost=Decimal("55.00"))  # fmt: skip
    card_transition(actor=ops, card=card, name="qualify")
    card_transition(actor=ops, card=card, name="price")
    card_update(
        actor=ops,
        card=card,
        changes={"shipment_date": date(2031, 3, 14), "promised_on": date(2031, 3, 14)},
    )
    card_update(actor=ops, card=card, changes={"discount_percent": Decimal("15")})
    request = ApprovalRequest.objects.get(card=card, status="pending")

    # Later, ops mentions the manager on the same card.
    log_in(page, "ops")
    page.goto(f"/cards/{card.pk}/")
    page.locator(".comment-form textarea").fill("@manager the client asks for 15%, see above")
    page.get_by_role("button", name="Add comment").click()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "manager")
    page.get_by_role("link", name="Alerts").click()
    rows = page.locator("tr[data-notification]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Waiting for you")
    expect(rows.nth(0)).to_contain_text(f"Approval needed: #{card.pk}")
    expect(rows.nth(1)).to_contain_text("mentioned you")
    page.get_by_role("link", name="Approvals", exact=True).first.click()
    page.goto("/notifications/?kind=approval")
    expect(page.locator("tr[data-notification]")).to_have_count(1)
    screenshot("alerts_01_request_beside_a_mention")

    # Reading the card does not settle the request: deciding it does.
    page.goto(f"/cards/{card.pk}/")
    page.goto("/notifications/")
    expect(page.locator("tr[data-waiting]")).to_have_count(1)
    page.goto("/approvals/")
    # The table fits 1,440 px: nothing scrolls sideways, Reject is whole on the screen.
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    reject = page.locator(f"#approval-{request.pk}").get_by_role("button", name="Reject")
    box = reject.bounding_box()
    assert box and box["x"] + box["width"] <= 1440
    page.locator(f"#approval-{request.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator(".flash-success")).to_contain_text("Approved")
    page.goto("/notifications/")
    expect(page.locator("tr[data-waiting]")).to_have_count(0)
    expect(page.locator("tr[data-notification]")).to_have_count(1)
    expect(page.locator("tr[data-notification]")).to_contain_text("mentioned you")
