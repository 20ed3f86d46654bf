from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from processes.errors import TransitionRefused
from processes.models import CardLink, Event, EventKind
from processes.services import card_transition, card_update
from stock.models import Movement, PurchaseNeed, Stock, StockLine
from stock.selectors import card_availability, stock_mismatches
from stock.services.lines import stock_item_change, stock_item_remove
from stock.services.reservations import card_lines_reserve
from tests.conftest import settle

pytestmark = pytest.mark.django_db


def _stock(product):
    return Stock.objects.get(product=product)


def _line(card):
    return StockLine.objects.get(card=card)


def test_leaving_qualified_reserves_what_is_available(stock_card, receive, drill, alice):
    receive(drill, 5)
    card = stock_card(drill, 3)
    assert _line(card).reserved == 0
    card_transition(actor=alice, card=card, name="price")
    line = _line(card)
    assert (line.reserved, line.short) == (3, 0)
    assert (_stock(drill).on_hand, _stock(drill).reserved) == (5, 3)
    assert card_availability(card)["state"] == "full"
    assert Event.objects.filter(card=card, kind=EventKind.STOCK).count() == 1
    assert stock_mismatches() == []


def test_the_reservation_records_the_changed_lines_in_one_event(
    stock_card, receive, drill, alice, make_card, acme
):
    """On PostgreSQL the take function writes the event; on SQLite Python does: the same row."""
    from stock.services.lines import stock_item_add

    receive(drill, 2)
    card = stock_card(drill, 1)
    stock_item_add(
        actor=alice,
        card=card,
        sku=drill.sku,
        quantity=Decimal(3),
        unit_price=Decimal(1),
        unit_cost=Decimal(1),
        at=timezone.now(),
    )
    now = timezone.now().replace(microsecond=0)
    card_lines_reserve(actor=alice, card=card, now=now)
    items = list(
        StockLine.objects.filter(card=card).order_by("id").values_list("item_id", flat=True)
    )
    event = Event.objects.get(card=card, kind=EventKind.STOCK)
    assert (event.actor, event.at, event.from_status, event.to_status) == (
        alice,
        now,
        card.status,
        card.status,
    )
    assert (event.comment, event.transition, event.reason) == ("reserved", "", "")
    assert event.data == {
        "lines": [
            {"item": items[0], "reserved": "1.000", "short": "0.000"},
            {"item": items[1], "reserved": "1.000", "short": "2.000"},
        ]
    }
    # Nothing changes the second time: no event.
    card_lines_reserve(actor=alice, card=card, now=now)
    assert Event.objects.filter(card=card, kind=EventKind.STOCK).count() == 1


def test_a_shortage_opens_one_purchase_card_linked_both_ways_and_tells_purchasing(
    stock_card, receive, drill, alice, percy, django_capture_on_commit_callbacks
):
    receive(drill, 4)
    first, second = stock_card(drill, 3), stock_card(drill, 3)
    card_transition(actor=alice, card=first, name="price")
    with django_capture_on_commit_callbacks() as queued:
        card_transition(actor=alice, card=second, name="price")
    assert (_line(second).reserved, _line(second).short) == (1, 2)
    # The purchase card is raised by the worker after the move's commit.
    pending = card_availability(second)
    assert (pending["purchase_cards"], pending["purchase_pending"]) == ([], True)
    assert not PurchaseNeed.objects.exists()
    for task in queued:
        task()
    availability = card_availability(second)
    assert availability["state"] == "partial" and availability["purchase_pending"] is False
    need = PurchaseNeed.objects.get()
    assert availability["purchase_cards"] == [need.card_id]
    assert need.quantity == 2 and need.card.process.slug == "purchasing"
    assert CardLink.objects.filter(source=second, target=need.card, kind="purchase").exists()
    assert Notification.objects.filter(user=percy, kind="purchase_opened").count() == 1
    # A third shortage adds to the open purchase card.
    third = stock_card(drill, 2)
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(actor=alice, card=third, now=timezone.now())
    assert PurchaseNeed.objects.get().quantity == 4
    assert CardLink.objects.filter(target=need.card).count() == 2


def test_shipping_refused_while_short_naming_the_line_and_purchase_card(
    stock_card, receive, drill, alice, acme, django_capture_on_commit_callbacks
):
    receive(drill, 1)
    card = stock_card(drill, 3)
    with django_capture_on_commit_callbacks(execute=True):
        card_transition(actor=alice, card=card, name="price")
    need = PurchaseNeed.objects.get()
    card_update(
        actor=alice,
        card=card,
        changes={
            "shipment_date": timezone.now().date() + timedelta(days=1),
            "promised_on": timezone.now().date() + timedelta(days=1),
        },
    )
    card_transition(actor=alice, card=card, name="agree")
    card_transition(actor=alice, card=card, name="invoice")
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=card, name="fulfil")
    assert "DRL-1 Drill: 2 of 3 short" in refused.value.message
    assert f"#{need.card_id}" in refused.value.message


def test_receipt_fills_oldest_shortage_first_and_notifies(
    stock_card, receive, drill, alice, bob, django_capture_on_commit_callbacks
):
    older = stock_card(drill, 2, responsible=bob)
    newer = stock_card(drill, 2, responsible=bob)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(actor=alice, card=older, now=now)
        card_lines_reserve(actor=alice, card=newer, now=now + timedelta(minutes=1))
    receive(drill, 3)
    assert (_line(older).reserved, _line(older).short) == (2, 0)
    assert (_line(newer).reserved, _line(newer).short) == (1, 1)
    assert Notification.objects.filter(user=bob, kind="stock_filled").count() == 2
    assert PurchaseNeed.objects.get().quantity == 1
    assert stock_mismatches() == []


def test_lost_releases_to_the_oldest_waiting_shortage(stock_card, receive, drill, alice):
    receive(drill, 2)
    holder = stock_card(drill, 2)
    card_lines_reserve(actor=alice, card=holder, now=timezone.now())
    waiting = stock_card(drill, 1)
    card_lines_reserve(actor=alice, card=waiting, now=timezone.now())
    assert _line(waiting).short == 1
    card_transition(actor=alice, card=holder, name="mark_lost", lost_reason="Gone")
    assert _line(holder).reserved == 0
    assert (_line(waiting).reserved, _line(waiting).short) == (1, 0)
    assert _stock(drill).reserved == 1
    assert stock_mismatches() == []


def test_a_reduced_line_releases_what_it_no_longer_needs(stock_card, receive, drill, alice):
    receive(drill, 3)
    card = stock_card(drill, 3)
    card_lines_reserve(actor=alice, card=card, now=timezone.now())
    waiting = stock_card(drill, 1)
    card_lines_reserve(actor=alice, card=waiting, now=timezone.now())
    stock_item_change(
        actor=alice, item=_line(card).item, changes={"quantity": Decimal(1)}, at=timezone.now()
    )
    assert _line(card).reserved == 1
    assert _line(waiting).reserved == 1
    assert _stock(drill).reserved == 2
    assert Event.objects.filter(card=card, kind=EventKind.ITEM_CHANGED).count() == 1
    stock_item_remove(actor=alice, item=_line(card).item, at=timezone.now())
    assert _stock(drill).reserved == 1
    assert Event.objects.filter(card=card, kind=EventKind.ITEM_REMOVED).count() == 1
    assert stock_mismatches() == []


def test_shipping_consumes_the_reservation(stock_card, receive, drill, alice):
    receive(drill, 5)
    card = stock_card(drill, 3)
    card_transition(actor=alice, card=card, name="price")
    card_update(
        actor=alice,
        card=card,
        changes={
            "shipment_date": timezone.now().date() + timedelta(days=1),
            "promised_on": timezone.now().date() + timedelta(days=1),
        },
    )
    for name in ["agree", "invoice", "fulfil"]:
        if name == "fulfil":
            settle(card)  # prepaid ships once paid (tests/finance/)
        card_transition(actor=alice, card=card, name=name)
    assert (_stock(drill).on_hand, _stock(drill).reserved) == (2, 0)
    shipment = Movement.objects.get(kind="shipment")
    assert (shipment.quantity, shipment.card_id) == (-3, card.pk)
    assert stock_mismatches() == []


def test_stock_check_reports_a_counter_that_left_its_ledger(receive, drill, capsys):
    receive(drill, 5)
    call_command("stock_check")
    assert "agree" in capsys.readouterr().out
    Stock.objects.filter(product=drill).update(on_hand=7)
    with pytest.raises(SystemExit):
        call_command("stock_check")
    assert '"ledger": "5"' in capsys.readouterr().out


def test_health_shows_staff_the_mismatches_of_the_nightly_check(client, receive, drill):
    from django.contrib.auth import get_user_model

    from stock.tasks import stock_check

    receive(drill, 5)
    Stock.objects.filter(product=drill).update(on_hand=6)
    assert stock_check() == 1
    staff = get_user_model().objects.create_user(username="sam", password="x", is_staff=True)
    client.force_login(staff)
    answer = client.get("/health/", HTTP_ACCEPT="application/json").json()
    assert answer["components"]["stock_ledger"]["status"] == "warning"
    assert answer["components"]["stock_ledger"]["mismatches"][0]["sku"] == "DRL-1"
