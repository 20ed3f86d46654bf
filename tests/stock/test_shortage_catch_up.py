"""A reservation left short answers without its purchase card: a worker catches up the product's
shortages set-wise after the commit (stock/services/purchasing.py), and a sweep in beat catches
up what a lost message left."""

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import Notification
from opmodel.celery import app as celery_app
from processes.models import CardLink
from stock import tasks
from stock.models import PurchaseNeed, Stock, StockLine
from stock.selectors import card_availability
from stock.services.purchasing import shortages_catch_up
from stock.services.reservations import card_lines_reserve

pytestmark = pytest.mark.django_db


def _purchase_links(need) -> set[int]:
    return set(
        CardLink.objects.filter(target=need.card, kind="purchase").values_list(
            "source_id", flat=True
        )
    )


def test_a_burst_of_shortages_is_caught_up_in_one_pass(
    stock_card, receive, drill, alice, percy, django_capture_on_commit_callbacks
):
    receive(drill, 1)
    cards = [stock_card(drill, 1, title=f"Order {n}") for n in range(4)]
    with django_capture_on_commit_callbacks() as queued:
        for card in cards:
            card_lines_reserve(actor=alice, card=card, now=timezone.now())
    assert len(queued) == 1  # one message: the other two found the product's catch-up queued
    assert not PurchaseNeed.objects.exists()
    assert [card_availability(c)["purchase_pending"] for c in cards] == [False, True, True, True]

    assert len(shortages_catch_up(now=timezone.now(), product_ids=[drill.pk])) == 1
    need = PurchaseNeed.objects.get()
    assert need.quantity == 3
    assert _purchase_links(need) == {c.pk for c in cards[1:]}
    assert Notification.objects.filter(user=percy, kind="purchase_opened").count() == 1
    assert [card_availability(c)["purchase_cards"] for c in cards[1:]] == [[need.card_id]] * 3
    # The message itself (and the sweep) find nothing missing.
    for task in queued:
        task()
    tasks.shortages_sweep()
    assert PurchaseNeed.objects.get().quantity == 3
    assert CardLink.objects.filter(target=need.card).count() == 3
    assert Notification.objects.filter(user=percy, kind="purchase_opened").count() == 1


def test_the_catch_up_message_names_the_short_products_and_leaves_after_the_commit(
    stock_card, receive, drill, alice, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        tasks.shortages_catch_up_task, "apply_async", lambda args, **kw: sent.append(args)
    )
    receive(drill, 1)
    full, short = stock_card(drill, 1), stock_card(drill, 2)
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(actor=alice, card=full, now=timezone.now())
        card_lines_reserve(actor=alice, card=short, now=timezone.now())
        assert sent == []  # not before the commit: the worker must see the line short
    assert sent == [([drill.pk], alice.pk)]


def test_one_message_while_the_catch_up_waits_and_a_new_one_once_the_worker_started(
    stock_card, receive, drill, alice, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        tasks.shortages_catch_up_task, "apply_async", lambda args, **kw: sent.append(args)
    )
    receive(drill, 1)
    cards = [stock_card(drill, 1, title=f"Order {n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for card in cards:  # the first takes the unit, the second sends, the third finds it sent
            card_lines_reserve(actor=alice, card=card, now=timezone.now())
    assert sent == [([drill.pk], alice.pk)]
    assert Stock.objects.get(product=drill).catch_up_queued is True

    # The worker starts (the mark cleared before it reads): a shortage after it sends again.
    shortages_catch_up(now=timezone.now(), product_ids=[drill.pk])
    assert Stock.objects.get(product=drill).catch_up_queued is False
    late = stock_card(drill, 1, title="Late")
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(actor=alice, card=late, now=timezone.now())
    assert sent == [([drill.pk], alice.pk)] * 2
    # That message lost: the sweep clears the mark too, and the next shortage sends again.
    assert tasks.shortages_sweep() == 1
    assert Stock.objects.get(product=drill).catch_up_queued is False
    with django_capture_on_commit_callbacks(execute=True):
        card_lines_reserve(
            actor=alice, card=stock_card(drill, 1, title="Later"), now=timezone.now()
        )
    assert sent == [([drill.pk], alice.pk)] * 3


def test_a_message_lost_with_the_broker_is_caught_up_by_the_sweep(
    stock_card, receive, drill, alice, percy, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.shortages_catch_up_task, "apply_async", broker_down)
    receive(drill, 1)
    card = stock_card(drill, 3)
    with django_capture_on_commit_callbacks(execute=True):  # the error is logged, not raised
        lines = card_lines_reserve(actor=alice, card=card, now=timezone.now())
    assert [(line.reserved, line.short) for line in lines] == [(1, 2)]
    assert not PurchaseNeed.objects.exists()
    assert card_availability(card)["purchase_pending"] is True

    assert tasks.shortages_sweep() == 1
    need = PurchaseNeed.objects.get()
    assert need.quantity == 2 and _purchase_links(need) == {card.pk}
    assert card_availability(card)["purchase_pending"] is False
    assert Notification.objects.filter(user=percy, kind="purchase_opened").count() == 1
    assert StockLine.objects.get(card=card).short == 2


def test_the_sweep_runs_every_minute_in_beat():
    entry = celery_app.conf.beat_schedule["stock-shortages-sweep"]
    assert entry["task"] == "stock.tasks.shortages_sweep" == tasks.shortages_sweep.name
    assert entry["schedule"] == 60.0
