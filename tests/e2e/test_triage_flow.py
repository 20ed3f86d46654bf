"""Issue 14's triage in the browser: `ops` searches a client, filters to at-risk cards assigned
to them, assigns an unassigned card to themselves from the board, drags a card to the next
status (allowed) and to a status it may not reach (refused in words); the board fits 1,440 px."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from processes.models import Client, Process, RequestCard
from processes.services import card_create
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _cards():
    ops = get_user_model().objects.get(username="ops")
    process = Process.objects.get(slug="order-to-cash")
    zeta = Client.objects.create(name="Zeta Browser Supplies")
    loose = card_create(actor=ops, process=process, title="Zeta loose order", client=zeta)
    risky = card_create(
        actor=ops, process=process, title="Zeta urgent order", client=zeta, responsible=ops
    )
    calm = card_create(
        actor=ops, process=process, title="Zeta calm order", client=zeta, responsible=ops
    )
    now = timezone.now()
    # Put one of ops's cards at risk now: its clock is running and its risk instant has passed.
    RequestCard.objects.filter(pk=risky.pk).update(
        sla_allowance=3600,
        sla_resumed_at=now - timedelta(hours=2),
        at_risk_at=now - timedelta(minutes=5),
        due_at=now + timedelta(hours=1),
    )
    RequestCard.objects.filter(pk=calm.pk).update(
        sla_allowance=36000,
        sla_resumed_at=now,
        at_risk_at=now + timedelta(hours=8),
        due_at=now + timedelta(hours=10),
    )
    return loose, risky, calm


def test_ops_finds_filters_assigns_and_drags(page, screenshot, live_server):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=20)
    loose, risky, calm = _cards()
    log_in(page, "ops")
    expect(page.get_by_role("heading", name="Order to cash")).to_be_visible()

    # The board fits a laptop screen: no horizontal scroll, neither the page nor the board.
    widths = page.evaluate(
        """() => { const b = document.querySelector('.board');
        return [document.scrollingElement.scrollWidth, b.scrollWidth, b.clientWidth]; }"""
    )
    assert widths[0] <= 1440, widths
    assert widths[1] <= widths[2], widths

    # Search a client.
    page.get_by_label("Search").fill("Zeta Browser")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"q=Zeta\+Browser"))
    expect(page.locator(".tile")).to_have_count(3)

    # At risk and mine.
    page.get_by_label("Responsible", exact=True).select_option("me")
    page.get_by_label("Deadline").select_option("at_risk")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"responsible=me.*sla=at_risk"))
    expect(page.locator(".tile")).to_have_count(1)
    expect(page.locator(f'.tile[data-card="{risky.pk}"]')).to_be_visible()
    screenshot("triage_01_filtered", full_page=False)

    # Assign the unassigned card to me from its tile.
    page.goto("/?q=Zeta+loose")
    tile = page.locator(f'.tile[data-card="{loose.pk}"]')
    expect(tile).to_contain_text("Unassigned")
    tile.get_by_role("button", name=re.compile("Assign to me")).click()
    expect(page.locator(".flash-success")).to_contain_text("is assigned to")
    tile = page.locator(f'.tile[data-card="{loose.pk}"]')
    expect(tile).to_contain_text("Olivia Ops")

    # Drag it to the next status: moved.
    tile.drag_to(page.locator('.column[data-status="qualified"]'))
    expect(page.locator("#board-message")).to_contain_text("Moved to Qualified")
    moved = page.locator(f'.column[data-status="qualified"] .tile[data-card="{loose.pk}"]')
    expect(moved).to_be_visible()

    # Drag it to a status it may not reach: refused in words, and it stays.
    moved.drag_to(page.locator('.column[data-status="fulfilled"]'))
    expect(page.locator("#board-message")).to_contain_text("was not moved")
    expect(page.locator("#board-message")).to_contain_text("Shipped")
    expect(moved).to_be_visible()
    screenshot("triage_02_refused", full_page=False)
    loose.refresh_from_db()
    assert loose.status == "qualified"
