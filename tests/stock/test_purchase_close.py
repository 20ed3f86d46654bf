"""A purchase card that closes (cancelled, or received without covering everything) leaves no
shortage uncovered: the lines still short open the product's next purchase card at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from processes.errors import TransitionRefused
from processes.models import CardLink
from processes.services import card_transition, card_update
from stock.models import PurchaseNeed, StockLine
from stock.selectors import card_availability
from stock.services.purchasing import shortages_catch_up
from stock.services.reservations import card_lines_reserve

pytestmark = pytest.mark.django_db


def _short_cards(stock_card, receive, drill, alice):
    """Card `older` wants 3 and `newer` 2 of drills; 1 is in stock: 2 + 2 short."""
    receive(drill, 1)
    older, newer = stock_card(drill, 3, title="Older"), stock_card(drill, 2, title="Newer")
    now = timezone.now()
    card_lines_reserve(actor=alice, card=older, now=now)
    card_lines_reserve(actor=alice, card=newer, now=now + timedelta(minutes=1))
    shortages_catch_up(now=now, actor=alice)  # what the worker does after the reservations
    return older, newer, PurchaseNeed.objects.get(is_open=True)


def test_a_cancelled_purchase_card_hands_its_shortages_to_a_new_one(
    stock_card, receive, drill, alice, percy
):
    older, newer, first = _short_cards(stock_card, receive, drill, alice)
    assert first.quantity == 4

    card_transition(actor=percy, card=first.card, name="cancel")

    first.refresh_from_db()
    assert first.is_open is False
    second = PurchaseNeed.objects.get(is_open=True)
    assert second.card_id != first.card_id
    assert (second.product_id, second.quantity) == (drill.pk, 4)
    assert second.card.process.slug == "purchasing" and second.card.status == "requested"
    for card in (older, newer):
        assert CardLink.objects.filter(source=card, target=second.card, kind="purchase").exists()
        assert card_availability(card)["purchase_cards"] == [second.card_id]
    opened = Notification.objects.filter(user=percy, kind="purchase_opened").order_by("id")
    assert [n.url for n in opened] == [f"/cards/{first.card_id}/", f"/cards/{second.card_id}/"]
    # Shipping names the purchase card that now brings the goods, not the cancelled one.
    card_update(
        actor=alice,
        card=older,
        changes={
            "shipment_date": timezone.now().date(),
            "promised_on": timezone.now().date() + timedelta(days=1),
        },
    )
    for name in ["price", "agree", "invoice"]:
        card_transition(actor=alice, card=older, name=name)
    with pytest.raises(TransitionRefused) as refused:
        card_transition(actor=alice, card=older, name="fulfil")
    assert f"(purchase card #{second.card_id})" in refused.value.message
    assert f"#{first.card_id}" not in refused.value.message


def test_a_receipt_that_leaves_lines_short_opens_the_next_purchase_card_at_receive(
    stock_card, receive, drill, alice, percy
):
    older, newer, first = _short_cards(stock_card, receive, drill, alice)
    card_transition(actor=percy, card=first.card, name="order")
    receive(drill, 3, purchase_card=first.card_id)  # the older's 2, then 1 of the newer's 2
    assert StockLine.objects.get(card=newer).short == 1

    card_transition(actor=percy, card=first.card, name="receive")

    second = PurchaseNeed.objects.get(is_open=True)
    assert second.card_id != first.card_id and second.quantity == 1
    assert CardLink.objects.filter(source=newer, target=second.card).exists()
    assert not CardLink.objects.filter(source=older, target=second.card).exists()


def test_a_cancelled_purchase_card_with_nothing_waiting_opens_none(
    stock_card, receive, drill, alice, percy
):
    older, newer, first = _short_cards(stock_card, receive, drill, alice)
    receive(drill, 4)  # covers both: nothing waits any more
    assert PurchaseNeed.objects.get().quantity == 0

    card_transition(actor=percy, card=first.card, name="cancel")

    assert not PurchaseNeed.objects.filter(is_open=True).exists()
    assert Notification.objects.filter(user=percy, kind="purchase_opened").count() == 1
