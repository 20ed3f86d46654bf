"""Issue 23's browser test: ops adds a stock line to a card and sees it short; purchasing sees
the new purchase card on its board; the warehouse records a receipt; ops sees the line reserved
and ships."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from processes.models import Client, Process
from processes.services import card_create, card_item_add, card_transition, card_update
from stock.management.commands.seed_demo_stock import Command as SeedStock
from stock.models import Product, Warehouse
from tests.e2e.test_approval_flow import log_out
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_short_line_opens_a_purchase_and_a_receipt_lets_the_card_ship(page, screenshot, o2c):
    from playwright.sync_api import expect

    if not Process.objects.filter(slug="purchasing").exists():
        importlib.import_module("stock.migrations.0002_purchasing_and_order_to_cash").install(
            django_apps, None
        )
    call_command("seed_demo", cards=0)
    purchasing = Process.objects.get(slug="purchasing")
    from django.conf import settings

    SeedStock()._users(purchasing, settings.OPMODEL_DEMO_PASSWORD)
    Warehouse.objects.create(code="MAIN", name="Main warehouse")
    Product.objects.create(sku="DRL-200", name="Hammer drill 800W", unit="pcs")
    ops = get_user_model().objects.get(username="ops")
    client, _ = Client.objects.get_or_create(name="Acme Tools")
    card = card_create(actor=ops, process=o2c, title="Browser test: hammer drills", client=client)
    card_item_add(
        actor=ops,
        card=card,
        product="Delivery",
        quantity=Decimal("1"),
        unit_price=Decimal("50.00"),
        unit_cost=Decimal("20.00"),
    )
    for name in ["qualify", "price"]:
        card_transition(actor=ops, card=card, name=name)
    card_update(
        actor=ops,
        card=card,
        changes={"shipment_date": date(2031, 3, 14), "promised_on": date(2031, 3, 14)},
    )
    for name in ["agree", "invoice"]:
        card_transition(actor=ops, card=card, name=name)

    # ops adds a stock line and reserves: nothing on the shelf, so it is short.
    log_in(page, "ops")
    page.goto(f"/cards/{card.pk}/")
    page.get_by_label("Product (SKU)").fill("DRL-200")
    page.locator("#stock-qty").fill("4")
    page.locator("#stock-price").fill("120")
    page.locator("#stock-cost").fill("80")
    page.get_by_role("button", name="Add stock line").click()
    page.get_by_role("button", name="Reserve").click()
    expect(page.locator(".short-mark")).to_contain_text("4 short")
    expect(page.locator('button[data-transition="fulfil"]')).to_be_disabled()
    expect(page.locator("#unmet-fulfil")).to_contain_text("DRL-200 Hammer drill 800W: 4 of 4")
    screenshot("23_card_short")
    log_out(page)

    # purchasing sees the purchase card on its board.
    log_in(page, "purchasing")
    page.goto("/?process=purchasing")
    tile = page.locator(".tile", has_text="Buy DRL-200")
    expect(tile).to_be_visible()
    purchase_id = int(tile.get_attribute("data-card"))
    screenshot("23_purchasing_board")
    log_out(page)

    # the warehouse records the receipt against the purchase card.
    log_in(page, "warehouse")
    page.goto("/stock/movements/new/")
    page.get_by_label("Product (SKU)").fill("DRL-200")
    page.get_by_label("Quantity").fill("4")
    page.get_by_label("Purchase card #").fill(str(purchase_id))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="DRL-200 Hammer drill 800W")).to_be_visible()
    screenshot("23_ledger_after_receipt")

    # The card was handed to the warehouse when invoiced (issue 24): it sees the line reserved,
    # takes the card and ships (the prepaid invoice paid: tests/finance/).
    from tests.conftest import settle

    settle(card)
    page.goto(f"/cards/{card.pk}/")
    expect(page.locator(".reserve-state")).to_have_text("full")
    expect(page.get_by_test_id("card-stage")).to_contain_text("Warehouse: waiting for pick-up")
    page.get_by_role("button", name="Take it").click()
    expect(page.locator(".flash-success")).to_contain_text("is yours now")
    page.locator('button[data-transition="fulfil"]').click()
    expect(page.get_by_test_id("card-stage")).to_contain_text("Finance")  # now fulfilled
    screenshot("23_card_shipped")
    card.refresh_from_db()
    assert card.status == "fulfilled"
