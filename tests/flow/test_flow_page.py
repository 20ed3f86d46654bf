"""The flow page: SLE, aging chart with its lines, a forecast, and the backtest when asked."""

from datetime import timedelta

import time_machine

from processes.models import Event, EventKind
from tests.flow.conftest import NOW, WINDOW_DAYS, finish_cards

URL = "/processes/order-to-cash/flow/"


def test_page_answers_when_the_open_cards_will_be_done_and_flags_old_cards(
    client, o2c, alice, make_card
):
    finish_cards(o2c, alice, dict.fromkeys(WINDOW_DAYS, 3), cycle_days=2)
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        old = make_card(title="Stuck order")
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        young = make_card(title="Fresh order")
    for card, hours in [(old, 120), (young, 3)]:
        Event.objects.create(
            card=card,
            kind=EventKind.TRANSITION,
            at=NOW - timedelta(hours=hours),
            from_status="received",
            to_status="qualified",
            transition="qualify",
        )
    with time_machine.travel(NOW, tick=False):
        client.force_login(alice)  # after the clock moved, or the session could have expired
        page = client.get(URL, {"seed": 1}).content.decode()
    assert "85% of cards finish within 2.0 days" in page
    assert page.count("data-past-sle") == 3  # the count, the row and the dot of the old card
    assert f'data-card="{old.pk}" data-past-sle' in page
    assert f'data-card="{young.pk}"' in page
    assert 'data-percentile="85"' in page
    # Two open cards at three a day: done on the first day (18 November) at every level.
    assert 'data-forecast="when"' in page
    assert page.count("Wed, Nov 18, 2026</td>") == 4  # the one date format


def test_backtest_on_request(client, o2c, alice, now):
    finish_cards(o2c, alice, dict.fromkeys(WINDOW_DAYS, 3))
    client.force_login(alice)
    page = client.get(URL, {"seed": 1, "backtest": 1}).content.decode()
    assert "data-backtest" in page


def test_not_enough_history_is_said(client, o2c, alice, now):
    client.force_login(alice)
    assert "Not enough history" in client.get(URL).content.decode()


def test_outsider_gets_404_and_wrong_method_405(client, charlie, alice, o2c, now):
    client.force_login(charlie)
    assert client.get(URL).status_code == 404
    client.force_login(alice)
    assert client.post(URL).status_code == 405
    client.logout()
    assert client.get(URL).status_code == 302
