"""The demo stock (stock's seed_demo_stock, after seed_demo as scripts/run seeds it): two
products short with their purchase cards, and the promises of the agreed cards, some at risk,
two missed. One seeded demo for the module (tests/seeded.py): the tests only read it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from processes.models import Event, EventKind, Process, RequestCard
from processes.promises import AT_RISK, promises_for
from stock.models import PurchaseNeed, StockLine
from stock.selectors import stock_mismatches
from tests.conftest import order_to_cash
from tests.seeded import seeded_module
from tests.stock.conftest import purchasing_process

pytestmark = pytest.mark.django_db


def _seed():
    order_to_cash()
    purchasing_process()
    call_command("seed_demo")
    call_command("seed_demo_stock")


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with seeded_module(django_db_blocker, _seed):
        yield


def test_demo_stock_leaves_two_products_short_with_purchase_cards():
    needs = PurchaseNeed.objects.filter(is_open=True).select_related("product")
    assert sorted(n.product.sku for n in needs) == ["DRL-200", "LDR-3"]
    assert all(n.card.links_in.filter(kind="purchase").exists() for n in needs)
    filled = StockLine.objects.get(product__sku="LMP-LED")
    assert filled.reserved == 10 and filled.filled_at is not None
    assert stock_mismatches() == []
    users = get_user_model().objects.filter(username__in=["warehouse", "purchasing"])
    assert users.count() == 2
    call_command("seed_demo_stock")  # safe to repeat
    assert PurchaseNeed.objects.count() == 3  # the two open and the received lamps


def test_demo_promises_agreed_cards_some_at_risk_two_missed():
    o2c = Process.objects.get(slug="order-to-cash")
    waiting = list(
        RequestCard.objects.filter(process=o2c, status__in=["agreed", "awaiting_payment"])
    )
    assert waiting and all(card.promised_on for card in waiting)
    outcomes = Event.objects.filter(card__process=o2c, kind=EventKind.PROMISE_OUTCOME)
    assert outcomes.filter(data__outcome="missed").count() == 2
    assert outcomes.filter(data__outcome="kept").count() >= 50
    promises = promises_for(waiting, now=timezone.now(), process=o2c)
    risky = [c for c in waiting if promises[c.pk].state == AT_RISK]
    assert len(risky) >= 2
    # The short order waits at least for its purchase card's date, 4 days after its promised
    # date (later when the typical remaining time ends later: around New Year's holidays it
    # does; tests/stock/test_promise_arrival.py pins the arrival exactly).
    drills = next(c for c in waiting if c.title == "Renovation crew: drills")
    assert promises[drills.pk].expected_on - promises[drills.pk].promised_on >= timedelta(days=4)
    assert promises[drills.pk].state == AT_RISK
