"""The weekly dashboard in a browser on the seeded demo: the figures with their charts, a
number followed to the cards behind it, and a table downloaded as CSV."""

import csv
import io
import re

import pytest
from django.core.management import call_command

from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_manager_reviews_the_week_follows_a_number_and_downloads_a_csv(page, screenshot, midweek):
    from playwright.sync_api import expect

    screenshot_dir = screenshot("weekly_00_start").parent

    call_command("seed_demo", cards=120)
    call_command("metrics_backfill")
    log_in(page, "manager")

    page.get_by_role("link", name="Weekly").click()
    expect(page.get_by_role("heading", name="Weekly flow: Order to cash")).to_be_visible()
    week = page.locator("#weekly-week").input_value()
    assert re.fullmatch(r"\d{4}-W\d{2}", week)
    # Every chart is an inline SVG; nothing on the page came from elsewhere.
    expect(page.locator("#throughput svg.chart")).to_have_count(1)
    expect(page.locator("#cumulative-flow svg.chart")).to_have_count(1)
    expect(page.locator("#cycle-time svg.chart")).to_have_count(1)
    expect(page.locator("#definitions")).to_contain_text("Cycle time / lead time")
    screenshot("weekly_01_dashboard", full_page=False)
    for section in ["cumulative-flow", "cycle-time", "aging-wip", "blocked"]:
        page.locator(f"#{section}").screenshot(path=str(screenshot_dir / f"weekly_{section}.png"))

    # Follow the throughput number to the cards behind it.
    number = page.locator('a[data-number="throughput"]')
    expected = int(number.inner_text())
    assert expected > 0
    number.click()
    expect(page.get_by_role("heading", name="Finished in the week")).to_be_visible()
    expect(page.get_by_test_id("cards-total")).to_have_text(str(expected))
    expect(page.locator("table.weekly-cards tbody tr")).to_have_count(min(expected, 50))
    screenshot("weekly_03_cards_behind", full_page=False)
    page.locator("table.weekly-cards tbody tr a").first.click()
    expect(page.get_by_test_id("card-status")).to_have_attribute("data-status", re.compile("."))
    page.go_back()
    page.go_back()

    # Download the throughput table as CSV.
    with page.expect_download() as info:
        page.locator('a[data-csv="throughput"]').click()
    download = info.value
    assert download.suggested_filename == f"order-to-cash-{week.lower()}-throughput.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0] == ["Week", "Intake", "Closed", "Lost", "Finished"]
    assert rows[-1][0] == week
    assert int(rows[-1][4]) == expected
