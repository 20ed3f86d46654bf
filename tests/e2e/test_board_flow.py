"""The foundation's acceptance: log in as `ops` on the seeded demo, see the board, and move an
order from `received` to `closed` through the buttons (since issue 24 the warehouse ships it and
finance closes it, each taking it from its queue); the history shows each move."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; the serialized rollback brings back the
    # order-to-cash process (a data migration) that other transactional tests flush away.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MOVES = [
    # transition, button label, status after
    ("qualify", "Qualify", "qualified"),
    ("price", "Price", "priced"),
    ("agree", "Agree", "agreed"),
    ("invoice", "Issue invoice", "awaiting_payment"),
    ("fulfil", "Ship", "fulfilled"),
    ("close", "Close", "closed"),
]


def log_in(page, username: str):
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.OPMODEL_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def move(page, expect, transition: str, label: str, status: str, comment: str = ""):
    button = page.locator(f'button[data-transition="{transition}"]')
    expect(button).to_be_enabled()
    expect(button).to_contain_text(label)
    if comment:
        page.locator("#move_comment").fill(comment)
    button.click()
    expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", status)
    expect(page.locator(".flash-success")).to_contain_text("Moved to")


def test_ops_moves_a_new_order_from_received_to_closed(page, screenshot, live_server):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=20)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    screenshot("01_login")
    log_in(page, "ops")

    # The board with the demo cards.
    expect(page.get_by_role("heading", name="Order to cash")).to_be_visible()
    expect(page.locator(".tile").first).to_be_visible()
    # Every demo card is counted in its column (finished ones older than a week are counted,
    # not drawn).
    counts = page.locator(".column-head .count").all_inner_texts()
    assert sum(int(n) for n in counts) >= 20
    screenshot("02_board", full_page=False)

    # A new order through the form, without a client yet.
    page.get_by_role("link", name="+ New card").click()
    expect(page.get_by_role("heading", name="New card")).to_be_visible()
    page.get_by_label("Title").fill("Browser test: 12 cordless drills")
    page.get_by_label("Priority").select_option("high")
    screenshot("03_new_card")
    page.get_by_role("button", name="Create card").click()
    expect(page.get_by_role("heading", name="Browser test: 12 cordless drills")).to_be_visible()
    expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", "received")

    # Qualify is refused until the card has a client, and the page says so.
    expect(page.locator('button[data-transition="qualify"]')).to_be_disabled()
    expect(page.locator("#unmet-qualify")).to_contain_text("Set the client.")
    screenshot("04_card_received")
    page.get_by_role("link", name="Edit card").click()
    page.get_by_label("Client", exact=True).select_option(label="Acme Tools")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".facts")).to_contain_text("Acme Tools")
    move(page, expect, *MOVES[0], comment="Buyer confirmed by phone")

    # Price needs a line item.
    expect(page.locator("#unmet-price")).to_contain_text("Add at least one line item.")
    page.locator("#item_product").fill("Cordless drill 18V")
    page.locator("#item_quantity").fill("12")
    page.locator("#item_unit_price").fill("129.00")
    page.locator("#item_unit_cost").fill("84.00")
    page.get_by_role("button", name="Add line item").click()
    expect(page.locator(".items-table")).to_contain_text("1,548.00")

    # A block on the way, shown on the card and on the board, then lifted.
    page.locator("#block_reason").select_option("waiting_stock")
    page.locator("#block_note").fill("Supplier ships on Friday")
    page.get_by_role("button", name="Block card").click()
    expect(page.locator(".blocked-banner")).to_contain_text("Blocked: Waiting for stock")
    screenshot("05_card_blocked")
    page.get_by_role("link", name="Order to cash").first.click()
    blocked_tile = page.locator(".tile", has_text="Browser test: 12 cordless drills")
    expect(blocked_tile).to_contain_text("Blocked: Waiting for stock")
    blocked_tile.scroll_into_view_if_needed()
    screenshot("06_board_blocked", full_page=False)
    blocked_tile.click()
    page.get_by_role("button", name="Unblock").click()
    expect(page.locator(".blocked-banner")).to_have_count(0)
    move(page, expect, *MOVES[1])

    # Agree needs the date promised to the client.
    expect(page.locator("#unmet-agree")).to_contain_text("Set the promised date")
    page.get_by_role("link", name="Edit card").click()
    page.get_by_label("Shipment date").fill("2031-03-14")
    page.get_by_label("Promised date", exact=True).fill("2031-03-14")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".facts")).to_contain_text("Mar 14, 2031")

    for transition, label, status in MOVES[2:4]:
        move(page, expect, transition, label, status)
    # Prepaid: shipping waits for the money (finance records it: tests/e2e of finance's pages).
    from processes.models import RequestCard
    from tests.conftest import settle

    settle(RequestCard.objects.get(title="Browser test: 12 cordless drills"))

    # Invoiced, the card is the warehouse's (issue 24): it takes it and ships; then finance
    # takes it and closes.
    card_url = page.url
    for person, (transition, label, status) in zip(
        ["warehouse", "finance"], MOVES[4:], strict=True
    ):
        page.get_by_role("button", name="Log out").click()
        log_in(page, person)
        page.goto(card_url)
        page.get_by_role("button", name="Take it").click()
        expect(page.locator(".flash-success")).to_contain_text("is yours now")
        move(page, expect, transition, label, status)

    expect(page.get_by_test_id("card-status")).to_have_text("Closed")
    expect(page.locator(".card-side")).to_contain_text("This card is finished")

    # The history shows every move, from and to.
    history = page.get_by_test_id("history")
    moves = history.locator(".tl-transition")
    expect(moves).to_have_count(len(MOVES))
    for _, label, _ in MOVES:  # each move by its label, never its key
        expect(history).to_contain_text(f"({label})")
    for pair in [
        "Received → Qualified",
        "Qualified → Priced",
        "Priced → Agreed",
        "Agreed → To ship",
        "To ship → Shipped",
        "Shipped → Closed",
    ]:
        expect(history).to_contain_text(pair)
    expect(history).to_contain_text("Buyer confirmed by phone")
    screenshot("07_card_closed")

    page.get_by_role("link", name="My queue").click()
    expect(page.get_by_role("heading", name="My queue")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Browser test: 12 cordless drills")
    screenshot("08_queue", full_page=False)
