"""Two tabs on the same card: the stale one gets the conflict message, not a silent overwrite."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_stale_tab_gets_the_conflict_message(page, screenshot, alice, make_card, acme):
    from playwright.sync_api import expect

    card = make_card(title="Valves for Acme", client=acme)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/cards/{card.pk}/")
    expect(page.locator('button[data-transition="qualify"]')).to_be_enabled()

    other_tab = page.context.new_page()
    other_tab.goto(f"/cards/{card.pk}/")
    other_tab.locator('button[data-transition="qualify"]').click()
    expect(other_tab.get_by_test_id("card-status")).to_have_attribute("data-status", "qualified")
    other_tab.close()

    page.locator("#move_comment").fill("Qualifying from a stale tab")
    page.locator('button[data-transition="qualify"]').click()
    expect(page.get_by_test_id("card-error")).to_contain_text("Someone else changed this card")
    expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", "qualified")
    expect(page.get_by_test_id("history").locator(".tl-transition")).to_have_count(1)
    screenshot("09_card_conflict")
