"""The management rhythm in a browser on the seeded demo: the manager opens today's daily
review, sees the blocked and at-risk cards, records a decision for `ops` with a due date and
closes the review; `ops` finds it among open decisions and marks it done; the owner sees model
health change."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from processes.models import BlockReason, RequestCard, Status
from tests.e2e.test_accessibility import violations
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_daily_review_ends_in_a_decision_that_ops_closes(page, screenshot):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=40, verbosity=0)
    now = timezone.now()
    finals = Status.objects.filter(final=True).values_list("slug", flat=True)
    open_cards = RequestCard.objects.exclude(status__in=list(finals)).order_by("id")
    blocked, late = open_cards[0], open_cards[1]
    reason = BlockReason.objects.filter(process=blocked.process).first()
    RequestCard.objects.filter(pk=blocked.pk).update(
        is_blocked=True, block_reason=reason, blocked_at=now - timedelta(days=2)
    )
    RequestCard.objects.filter(pk=late.pk).update(
        sla_allowance=60, sla_resumed_at=now - timedelta(hours=3),
        at_risk_at=now - timedelta(hours=2), due_at=now - timedelta(hours=1),
    )  # fmt: skip

    log_in(page, "owner")
    page.goto("/model-health/?process=order-to-cash")
    on_time = page.get_by_test_id("figure-decisions_on_time")
    expect(on_time).to_contain_text("nothing to count yet")
    log_out(page)

    log_in(page, "manager")
    page.goto("/reviews/?process=order-to-cash")
    page.get_by_role("button", name="Open today's daily review").click()
    expect(page.get_by_role("heading", name=re.compile("Daily review of"))).to_be_visible()
    expect(page.get_by_test_id("section-blocked")).to_contain_text(blocked.title)
    expect(page.get_by_test_id("section-at_risk")).to_contain_text(late.title)
    page.get_by_label("Decision", exact=True).fill("Get the stock for the blocked order")
    page.get_by_label("Owner").select_option(label="Olivia Ops")
    due = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Get the stock")
    screenshot("reviews_01_daily", full_page=False)
    problems = {"review": violations(page)}
    page.get_by_role("button", name="Close the review").click()
    expect(page.get_by_test_id("review-state")).to_have_text("Closed")
    page.goto("/reviews/?process=order-to-cash")
    problems["reviews"] = violations(page)
    log_out(page)

    log_in(page, "ops")
    page.goto("/decisions/")
    row = page.get_by_role("row", name=re.compile("Get the stock"))
    expect(row).to_contain_text("ops (you)")
    problems["decisions"] = violations(page)
    row.get_by_label("What was done").fill("Stock arrived on Thursday")
    row.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Decision marked done.")).to_be_visible()
    page.goto("/decisions/?state=done")
    expect(page.get_by_test_id("decision-list")).to_contain_text("on time")
    log_out(page)

    log_in(page, "owner")
    page.goto("/model-health/?process=order-to-cash")
    expect(page.get_by_test_id("figure-decisions_on_time")).to_contain_text("1 of 1 (100%)")
    screenshot("reviews_02_model_health", full_page=False)
    problems["model health"] = violations(page)
    failing = [f"{name}: {line}" for name, found in problems.items() for line in found]
    assert not failing, "\n".join(failing)
