"""The board shows the service level expectation and flags the open cards that started longer
ago than it (flow registers the SLE with processes/summaries.py)."""

from datetime import timedelta

import time_machine

from processes.models import Event, EventKind
from tests.flow.conftest import NOW, WINDOW_DAYS, finish_cards


def test_board_flags_cards_started_longer_ago_than_the_sle(client, o2c, alice, make_card):
    finish_cards(o2c, alice, dict.fromkeys(WINDOW_DAYS, 1), cycle_days=2)  # SLE 2.0 days
    with time_machine.travel(NOW - timedelta(days=6), tick=False):
        old = make_card(title="Stuck order")
        young = make_card(title="Fresh order")
    for card, days in [(old, 3), (young, 1)]:
        Event.objects.create(
            card=card,
            kind=EventKind.TRANSITION,
            at=NOW - timedelta(days=days),
            from_status="received",
            to_status="qualified",
            transition="qualify",
        )
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)  # after the clock moved, or the session could have expired
        page = client.get("/?process=order-to-cash").content.decode()
    assert "SLE 2.0 days" in page
    old_tile = page.split(f'data-card="{old.pk}"')[1].split("</article>")[0]
    young_tile = page.split(f'data-card="{young.pk}"')[1].split("</article>")[0]
    assert "data-past-sle" in old_tile and "data-past-sle" not in young_tile


def test_board_without_history_shows_no_sle(client, o2c, alice, make_card, now):
    make_card()
    client.force_login(alice)
    page = client.get("/?process=order-to-cash").content.decode()
    assert "data-sle" not in page and "data-past-sle" not in page
