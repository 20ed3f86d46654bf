"""The designer in a browser: the accountable opens it from the rules page, shortens the SLA of
Priced from 16 to 8 business hours with the designed map beside the form, and reads the change
in words in the rule history; a change the check refuses is listed, nothing written. The pages
pass the current axe-core."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_owner_changes_an_sla_in_the_designer(page, screenshot, bob):
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/processes/order-to-cash/")
    page.get_by_role("link", name="Change the rules").click()
    expect(page.get_by_role("heading", name="Order to cash: designer")).to_be_visible()
    expect(page.get_by_test_id("designed-map").locator('g[data-status="priced"]')).to_contain_text(
        "SLA 16 h"
    )

    assert violations(page) == []
    page.locator('table[data-design="sla"] tr[data-row="priced:any"] a').click()
    assert violations(page) == []
    form = page.locator("form", has=page.get_by_label("Allowance (business hours)"))
    map_box = page.get_by_test_id("designed-map").bounding_box()
    form_box = form.bounding_box()
    assert map_box["x"] + map_box["width"] <= form_box["x"]  # the map beside the form
    page.get_by_label("Allowance (business hours)").fill("8")
    screenshot("26_designer_sla_form")
    page.get_by_role("button", name="Save the change").click()

    expect(page.get_by_role("heading", name="Order to cash: designer")).to_be_visible()
    history = page.locator('table[data-design="versions"]')
    expect(history.locator('tr[data-version="2"]')).to_contain_text(
        "SLA of Priced: 16 -> 8 business hours"
    )
    expect(history.locator('tr[data-version="2"]')).to_contain_text("bob")
    expect(page.get_by_test_id("designed-map").locator('g[data-status="priced"]')).to_contain_text(
        "SLA 8 h"
    )
    screenshot("26_designer_history")

    # A change the import's check refuses: listed on the page, nothing written.
    page.get_by_role("link", name="Add an SLA").click()
    page.get_by_label("Status", exact=True).select_option(label="Closed")
    page.get_by_label("Allowance (business hours)").fill("4")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_test_id("design-problems")).to_contain_text(
        "SLA for 'closed': a final status has no clock."
    )
    assert violations(page) == []
    page.get_by_role("link", name="Back to the designer").click()
    expect(page.get_by_test_id("design-version")).to_have_text("2")
