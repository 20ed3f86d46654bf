"""The reservation's take (stock/services/taking.py on PostgreSQL, its Python twin elsewhere) and
the bookkeeping that follows it in a transaction of its own (issue 23: the stock row is held by
the take alone)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

import stock.services.purchasing as purchasing_services
from processes.models import CardLink
from stock.models import Product, PurchaseNeed, Stock, StockLine
from stock.selectors import stock_mismatches
from stock.services.lines import stock_item_add
from stock.services.reservations import card_lines_reserve


def _lines(card):
    return [(line.reserved, line.short) for line in StockLine.objects.filter(card=card)]


@pytest.mark.django_db
def test_a_receipt_between_the_take_and_the_bookkeeping_fills_the_new_shortage(
    stock_card, receive, drill, alice, monkeypatch, django_capture_on_commit_callbacks
):
    """The line's shortage is written with the counter, before the stock row is let go: a
    receipt arriving before the worker's catch-up joins the purchase card sees the line waiting
    and fills it."""
    card = stock_card(drill, 1)
    original = purchasing_services.shortages_to_purchase
    seen = []

    def receipt_first(**kwargs):
        seen.append(_lines(card))
        receive(drill, 1)
        return original(**kwargs)

    monkeypatch.setattr(purchasing_services, "shortages_to_purchase", receipt_first)
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(actor=alice, card=card, now=timezone.now())

    assert seen == [[(0, 1)]]  # short, and the stock row already free for the receipt
    assert _lines(card) == [(1, 0)]
    stock = Stock.objects.get(product=drill)
    assert (stock.on_hand, stock.reserved) == (1, 1)
    need = PurchaseNeed.objects.get()
    assert need.quantity == 0  # the recount after the receipt: nothing waits any more
    assert CardLink.objects.filter(source=card, target=need.card, kind="purchase").exists()
    assert stock_mismatches() == []


@pytest.mark.django_db
def test_lines_of_one_place_take_oldest_first_and_a_place_never_stocked_gets_its_row(
    make_card, receive, drill, alice, acme, main_warehouse, django_capture_on_commit_callbacks
):
    receive(drill, 4)
    lamp = Product.objects.create(sku="LMP-1", name="Lamp", unit="pcs")
    card = make_card(title="Two drills and a lamp", client=acme)
    for sku, quantity in (("DRL-1", 2), ("LMP-1", 1), ("DRL-1", 3)):
        stock_item_add(
            actor=alice,
            card=card,
            sku=sku,
            quantity=Decimal(quantity),
            unit_price=Decimal(1),
            unit_cost=Decimal(1),
            at=timezone.now(),
        )
    # The lamp's place lost its row (lines made before stock_item_add created it).
    Stock.objects.filter(product=lamp).delete()

    with django_capture_on_commit_callbacks(execute=True):  # the worker raises both cards
        card_lines_reserve(actor=alice, card=card, now=timezone.now())

    assert _lines(card) == [(2, 0), (0, 1), (2, 1)]
    assert Stock.objects.get(product=drill).reserved == 4
    assert Stock.objects.get(product=lamp).reserved == 0
    assert stock_mismatches() == []
    # Again: nothing more to take, nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(actor=alice, card=card, now=timezone.now())
    assert _lines(card) == [(2, 0), (0, 1), (2, 1)]
    assert {n.product_id: n.quantity for n in PurchaseNeed.objects.all()} == {
        drill.pk: 1,
        lamp.pk: 1,
    }


def _reserve_while_the_row_is_held(card, alice, holder_work) -> list:
    """Reserve the card in a thread of its own while this connection holds the stock row and
    does `holder_work`; the errors the reservation raised."""
    errors = []

    def reserve():
        try:
            card_lines_reserve(actor=alice, card=card, now=timezone.now())
        except Exception as exc:  # reported to the caller
            errors.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        Stock.objects.select_for_update().get(product=card.stock_lines.get().product)
        taker = threading.Thread(target=reserve)
        taker.start()
        _wait_for_a_lock_wait(taker)
        holder_work()
    taker.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real wait needs PostgreSQL")
def test_a_take_waiting_for_the_stock_row_reads_the_lines_as_the_holder_left_them(
    stock_card, receive, drill, alice
):
    """The take's query was sent before the stock row it waits for was let go: a receipt that
    filled the card's line meanwhile must be seen, or the line would take a second unit."""
    card = stock_card(drill, 1)
    card_lines_reserve(actor=alice, card=card, now=timezone.now())
    assert _lines(card) == [(0, 1)]

    # The receipt fills the card's line: 1 reserved, 1 still available.
    errors = _reserve_while_the_row_is_held(card, alice, lambda: receive(drill, 2))

    assert errors == []
    assert _lines(card) == [(1, 0)]
    stock = Stock.objects.get(product=drill)
    assert (stock.on_hand, stock.reserved) == (2, 1)
    assert stock_mismatches() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real wait needs PostgreSQL")
def test_a_take_waiting_for_the_stock_row_counts_on_the_row_as_the_holder_left_it(
    stock_card, receive, drill, alice
):
    """The holder changes the counters; the take, queued meanwhile, reserves from the row as
    the holder committed it (a counter built from an older version of the row would break the
    check constraint, or lose the holder's change)."""
    card = stock_card(drill, 1)

    errors = _reserve_while_the_row_is_held(card, alice, lambda: receive(drill, 2))

    assert errors == []
    assert _lines(card) == [(1, 0)]
    stock = Stock.objects.get(product=drill)
    assert (stock.on_hand, stock.reserved) == (2, 1)
    assert stock_mismatches() == []


def _wait_for_a_lock_wait(taker) -> None:
    """Until another connection of this database waits for a lock (the taker queued on the
    stock row). The statistics snapshot is cleared: inside a transaction it is read once."""
    with connections["default"].cursor() as cursor:
        for _ in range(1500):
            assert taker.is_alive(), "the take ended without waiting for the stock row"
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                "WHERE NOT l.granted AND a.datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the take never waited for the stock row")
