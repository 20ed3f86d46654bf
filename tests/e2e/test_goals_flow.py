"""Goals in a browser on the seeded demo: the accountable manager sets a goal with a key result
on cycle time P85, sees its baseline, current value and state, and follows the current value
to the cards behind it."""

import itertools
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_owner_sets_a_goal_with_a_key_result_and_follows_it_to_the_cards(page, screenshot, midweek):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=120)
    call_command("metrics_backfill")
    today = timezone.localdate()
    starts = today - timedelta(days=today.weekday(), weeks=4)
    ends = starts + timedelta(weeks=26, days=-1)
    log_in(page, "manager")

    page.goto("/goals/")
    page.get_by_role("link", name="New goal").click()
    page.get_by_label("Title").fill("Ship faster")
    page.get_by_label("Period starts").fill(starts.isoformat())
    page.get_by_label("Period ends").fill(ends.isoformat())
    page.get_by_label("Order to cash").check()
    page.get_by_role("button", name="Set the goal").click()
    expect(page.get_by_role("heading", name="Ship faster")).to_be_visible()

    page.get_by_role("link", name="Add key result").click()
    page.get_by_label("Metric").select_option("cycle_time_p85")
    page.get_by_label("Target").fill("0.5")
    page.get_by_label("Deadline").fill(ends.isoformat())
    page.get_by_role("button", name="Add key result").click()

    expect(page.get_by_test_id("baseline")).to_contain_text(re.compile(r"\d+\.\d d"))
    expect(page.get_by_test_id("baseline")).to_contain_text("median of")
    current = page.get_by_test_id("current-value")
    expect(current).to_have_text(re.compile(r"\d+\.\d d"))
    expect(page.get_by_test_id("kr-state")).to_have_text(
        re.compile("Achieved|On track|At risk|Off track")
    )
    screenshot("goals_01_goal", full_page=False)

    current.click()
    expect(page.get_by_role("heading", name="Finished in the week")).to_be_visible()
    expect(page.get_by_test_id("cards-total")).to_have_text(re.compile(r"[1-9]\d*"))
    screenshot("goals_02_cards_behind", full_page=False)

    # The goals list's small charts: text drawn at 10px or more, week labels apart.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/goals/")
    charts = page.locator("svg.chart-goal-small")
    expect(charts.first).to_be_visible()
    for i in range(charts.count()):
        labels = charts.nth(i).locator("text.x-label, text.tick")
        boxes = [labels.nth(j).bounding_box() for j in range(labels.count())]
        assert boxes and min(b["height"] for b in boxes) >= 10, boxes
        weeks = [b for b, t in zip(boxes, labels.all_text_contents(), strict=True) if "W" in t]
        weeks.sort(key=lambda b: b["x"])
        assert all(a["x"] + a["width"] <= b["x"] for a, b in itertools.pairwise(weeks)), weeks


def _apart(chart):
    """The chart's week labels as drawn, left to right, and whether each ends before the next
    begins."""
    labels = chart.locator("text.x-label")
    boxes = sorted(
        (labels.nth(j).bounding_box() for j in range(labels.count())), key=lambda b: b["x"]
    )
    return boxes, all(a["x"] + a["width"] <= b["x"] for a, b in itertools.pairwise(boxes))


def test_goal_chart_week_labels_never_overlap(page, screenshot):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=120, verbosity=0)
    call_command("metrics_backfill", verbosity=0)
    call_command("seed_demo_goals", verbosity=0)
    log_in(page, "manager")
    page.goto("/goals/")
    links = page.locator("h2 a, h3 a").filter(has_text=re.compile(r"\w"))
    goals = [links.nth(i).get_attribute("href") for i in range(links.count())]
    goals = [g for g in goals if re.fullmatch(r"/goals/\d+/", g or "")]
    assert goals
    checked = 0
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url in goals:
            page.goto(url)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            charts = page.locator("svg.chart-run:not(.chart-goal-small)")
            for i in range(charts.count()):
                boxes, apart = _apart(charts.nth(i))
                assert len(boxes) >= 2 and apart, (url, width, boxes)
                checked += 1
    assert checked >= 4  # the demo's key results, at both widths
    screenshot("goals_03_chart_labels", full_page=False)
