"""Stock tells the promise when the stock a card is short of arrives (the date promised on its
purchase card), and whether a card ships in full (stock/selectors/arrivals.py)."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from processes.models import Event, EventKind, RequestCard, Transition
from processes.promises import AT_RISK, ON_TRACK, promise_of
from processes.services import card_transition, card_update
from stock.models import PurchaseNeed
from stock.services.purchasing import shortages_catch_up

pytestmark = pytest.mark.django_db

# Wednesday 2026-11-18, 11:00 in Berlin; no history, so the typical remaining time is zero.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _short_agreed_card(stock_card, receive, drill, alice, promised):
    receive(drill, 1)
    card = stock_card(drill, 3)
    card_transition(actor=alice, card=card, name="price")  # 1 reserved, 2 short
    shortages_catch_up(now=NOW, actor=alice)  # the worker raises its purchase card
    card_update(actor=alice, card=card, changes={"promised_on": promised})
    card_transition(actor=alice, card=card, name="agree")
    return RequestCard.objects.select_related("process").get(pk=card.pk)


def test_expected_date_waits_for_the_purchase_cards_date(stock_card, receive, drill, alice, percy):
    card = _short_agreed_card(stock_card, receive, drill, alice, date(2026, 11, 25))
    assert promise_of(card, now=NOW).expected_on == date(2026, 11, 18)  # no date for the stock
    purchase = PurchaseNeed.objects.get().card
    card_update(actor=percy, card=purchase, changes={"promised_on": date(2026, 11, 24)})
    promise = promise_of(card, now=NOW)
    assert (promise.expected_on, promise.state) == (date(2026, 11, 24), ON_TRACK)
    card_update(
        actor=percy,
        card=purchase,
        changes={"promised_on": date(2026, 11, 27)},
        promise_reason="The supplier ships a week late.",
    )
    promise = promise_of(card, now=NOW)
    assert (promise.expected_on, promise.state) == (date(2026, 11, 27), AT_RISK)


def test_a_card_not_short_ignores_the_purchase_card(stock_card, receive, drill, alice, percy):
    receive(drill, 10)
    card = stock_card(drill, 3)
    card_transition(actor=alice, card=card, name="price")
    card_update(actor=alice, card=card, changes={"promised_on": date(2026, 11, 20)})
    assert promise_of(card, now=NOW).expected_on == date(2026, 11, 18)


def test_shipping_with_a_line_short_is_not_in_full(stock_card, receive, drill, alice, o2c):
    # Processes are data: without the stock condition, fulfil lets a short card ship.
    fulfil = Transition.objects.get(process=o2c, name="fulfil")
    fulfil.conditions = []
    fulfil.save()
    card = _short_agreed_card(stock_card, receive, drill, alice, date(2026, 11, 20))
    card_transition(actor=alice, card=card, name="invoice")
    card_transition(actor=alice, card=card, name="fulfil")
    outcome = Event.objects.get(card=card, kind=EventKind.PROMISE_OUTCOME)
    assert outcome.data == {
        "outcome": "kept",
        "promised_on": "2026-11-20",
        "shipped_on": "2026-11-18",
        "days_late": 0,
        "in_full": False,
        "lines_short": 1,
    }
