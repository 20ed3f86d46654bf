"""Issue 4's acceptance in the browser: `ops` sets a 15% discount and sees `agree` refused with
the reason; `owner` approves in the approvals inbox; `ops` agrees the card."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from processes.models import Client
from processes.services import card_create, card_item_add, card_transition, card_update
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_a_discount_over_10_percent_waits_for_approval_then_agrees(page, screenshot, o2c):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=0)
    ops = get_user_model().objects.get(username="ops")
    client, _ = Client.objects.get_or_create(name="Acme Tools")
    card = card_create(
        actor=ops, process=o2c, title="Browser test: 40 angle grinders", client=client
    )
    card_item_add(
        actor=ops,
        card=card,
        product="Angle grinder 125mm",
        quantity=Decimal("40"),
        unit_price=Decimal("89.00"),
        unit_cost=Decimal("55.00"),
    )
    card_transition(actor=ops, card=card, name="qualify")
    card_transition(actor=ops, card=card, name="price")
    card_update(
        actor=ops,
        card=card,
        changes={"shipment_date": date(2031, 3, 14), "promised_on": date(2031, 3, 14)},
    )

    log_in(page, "ops")
    page.goto(f"/cards/{card.pk}/")
    expect(page.locator('button[data-transition="agree"]')).to_be_enabled()
    page.get_by_role("link", name="Edit card").click()
    page.get_by_label("Discount, %").fill("15")
    page.get_by_role("button", name="Save changes").click()

    agree = page.locator('button[data-transition="agree"]')
    expect(agree).to_be_disabled()
    expect(page.locator("#unmet-agree")).to_contain_text(
        "Approval needed: Discount over 10% (15%) is waiting for the manager-level approver."
    )
    expect(page.get_by_test_id("exceptions")).to_contain_text("Pending")
    screenshot("10_card_waits_for_approval")
    log_out(page)

    log_in(page, "owner")
    page.get_by_role("link", name="Approvals").click()
    row = page.locator("tr", has_text="Browser test: 40 angle grinders")
    expect(row).to_contain_text("Discount over 10%")
    expect(row).to_contain_text("Acme Tools")
    expect(row).to_contain_text("Olivia Ops")
    screenshot("11_approvals_inbox")
    row.get_by_placeholder("Comment (required to reject)").fill("Regular client, volume order")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash-success")).to_contain_text("Approved: Discount over 10%")
    expect(page.locator("tr", has_text="Browser test: 40 angle grinders")).to_have_count(0)
    log_out(page)

    log_in(page, "ops")
    page.goto(f"/cards/{card.pk}/")
    expect(page.get_by_test_id("exceptions")).to_contain_text("Approved by Oscar Owner")
    page.locator('button[data-transition="agree"]').click()
    expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", "agreed")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Exception approved")
    expect(history).to_contain_text("Regular client, volume order")
    screenshot("12_card_agreed_after_approval")
