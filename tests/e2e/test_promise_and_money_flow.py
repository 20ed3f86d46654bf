"""Issue 24's acceptance in the browser, each step by its person on the pages: ops agrees an
order with the date promised to the client (typed on the card), finance approves the deferred
terms and ops issues the invoice; the warehouse takes the card from its queue and ships it
(the promise kept); the invoice falls overdue, finance sees it on the receivables' overdue list,
records the payment on the card and sees it leave the list; the manager reads on time in full
for the week of the shipment on the weekly dashboard.

The clock is pinned (time_machine moves the live server's too) in the week of Monday
2030-03-04, 2030-W10, in Europe/Berlin; the deferred invoice (14 days) falls due on Mar 18 and
is overdue on Mar 20. Chromium keeps its own clock, so the session cookie is one that ends with
the browser (no expiry the browser could judge by another clock), and each person logs in
after the clock moved."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from metrics.services import weekly_snapshot_compute
from processes.models import Client, Process, RequestCard
from processes.services import card_create, card_item_add, card_transition
from tests.e2e.test_approval_flow import log_out
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Browser test: 12 cordless drills on 14 days"
AGREED = datetime(2030, 3, 4, 9, tzinfo=UTC)  # Monday, 10:00 in Berlin
SHIPPED = datetime(2030, 3, 5, 10, tzinfo=UTC)  # Tuesday
COLLECTED = datetime(2030, 3, 20, 10, tzinfo=UTC)  # two days past the due date, Mar 18
WEEK = "2030-W10"


def test_promise_kept_invoice_paid_when_overdue_and_on_time_in_full_read(
    page, screenshot, settings
):
    from playwright.sync_api import expect

    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    with time_machine.travel(AGREED, tick=True) as clock:
        call_command("seed_demo", cards=0, verbosity=0)
        process = Process.objects.get(slug="order-to-cash")
        ops = get_user_model().objects.get(username="ops")
        client, _ = Client.objects.get_or_create(name="Acme Tools")
        card = card_create(
            actor=ops,
            process=process,
            title=TITLE,
            client=client,
            payment_terms="deferred",
            deferred_days=14,
        )
        card_item_add(
            actor=ops,
            card=card,
            product="Cordless drill 18V",
            quantity=Decimal("12"),
            unit_price=Decimal("129.00"),
            unit_cost=Decimal("84.00"),
        )
        for name in ["qualify", "price"]:
            card = card_transition(actor=ops, card=card, name=name)
        card_url = f"/cards/{card.pk}/"

        # ops: agreeing needs the promised date; typed on the card, then agreed.
        log_in(page, "ops")
        page.goto(card_url)
        expect(page.locator("#unmet-agree")).to_contain_text("Set the promised date")
        page.get_by_role("link", name="Edit card").click()
        page.get_by_label("Promised date", exact=True).fill("2030-03-08")
        page.get_by_role("button", name="Save changes").click()
        expect(page.locator(".facts")).to_contain_text("Mar 8, 2030")
        page.locator('button[data-transition="agree"]').click()
        expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", "agreed")
        # The deferred terms wait for finance before the invoice.
        expect(page.locator('button[data-transition="invoice"]')).to_be_disabled()
        screenshot("24_agreed_promised")
        log_out(page)

        log_in(page, "finance")
        page.get_by_role("link", name="Approvals").click()
        row = page.locator("tr", has_text=TITLE)
        expect(row).to_contain_text("Deferred payment")
        row.get_by_role("button", name="Approve").click()
        expect(page.locator(".flash-success")).to_contain_text("Approved")
        log_out(page)

        log_in(page, "ops")
        page.goto(card_url)
        page.locator('button[data-transition="invoice"]').click()
        expect(page.get_by_test_id("card-status")).to_have_attribute(
            "data-status", "awaiting_payment"
        )
        invoice = page.locator("#invoice")
        expect(invoice.locator("[data-amount]")).to_have_text("1,548.00")
        expect(invoice).to_contain_text("Mar 18, 2030 (14 days)")
        log_out(page)

        # The next day the warehouse takes the card from its queue and ships it: kept.
        clock.move_to(SHIPPED)
        log_in(page, "warehouse")
        page.get_by_role("link", name="My queue").click()
        row = page.locator("tr", has_text=TITLE)
        expect(row).to_contain_text("Waiting for pick-up: Warehouse")
        screenshot("24_warehouse_queue", full_page=False)
        row.get_by_role("button", name="Take it").click()
        expect(page.locator(".flash-success")).to_contain_text("is yours now")
        page.goto(card_url)
        page.locator('button[data-transition="fulfil"]').click()
        expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", "fulfilled")
        expect(page.locator("body")).to_contain_text("Promise kept")
        log_out(page)

        # Two days past the due date: overdue on finance's list until finance records it.
        clock.move_to(COLLECTED)
        log_in(page, "finance")
        page.goto("/receivables/")
        page.get_by_label("Show").select_option("overdue")
        page.get_by_role("button", name="Show").click()
        overdue = page.locator(f'tr[data-card="{card.pk}"]')
        expect(overdue).to_have_class("overdue")
        expect(overdue).to_contain_text("1,548.00")
        expect(overdue.locator("td").last).to_have_text("2")  # days overdue
        screenshot("24_receivables_overdue")
        overdue.get_by_role("link").click()
        expect(invoice.locator("[data-state]")).to_have_attribute("data-state", "overdue")
        form = page.get_by_role("form", name="Record a payment")
        expect(form.get_by_label("Amount")).to_have_value("1548.00")
        expect(form.get_by_label("Paid on")).to_have_value("2030-03-20")
        form.get_by_label("Reference").fill("SEPA 2030-0320-17")
        form.get_by_role("button", name="Record payment").click()
        expect(page.locator(".flash-success")).to_contain_text("Payment recorded.")
        expect(invoice.locator("[data-state]")).to_have_attribute("data-state", "paid")
        expect(invoice).to_contain_text("SEPA 2030-0320-17")
        page.goto("/receivables/?state=overdue")
        expect(page.locator(f'tr[data-card="{card.pk}"]')).to_have_count(0)
        expect(page.locator("body")).to_contain_text("Nothing outstanding.")
        screenshot("24_receivables_after_payment")
        log_out(page)

        # The week of the shipment, as the workers compute it (tests/metrics: the worker).
        weekly_snapshot_compute(process_id=process.pk, week=WEEK)
        log_in(page, "manager")
        page.goto(f"/dashboards/weekly/?process=order-to-cash&week={WEEK}")
        otif = page.locator('[data-figure="on_time_in_full"]')
        expect(otif).to_have_text("100% (1 of 1 shipped)")
        screenshot("24_weekly_on_time_in_full", full_page=False)

    card = RequestCard.objects.get(pk=card.pk)
    assert card.status == "fulfilled" and card.invoice.outstanding == 0
    assert [p.reference for p in card.invoice.payments.all()] == ["SEPA 2030-0320-17"]
