"""What stock tells the promise (processes/promises.py, registered in StockConfig.ready): when
the stock a card is short of is expected, and how many of its lines ship short.

The expected arrival of a product is the promised date of its open purchase card (the date the
supplier promised, set and moved on the purchase card like any promise, with a reason): stock
records no other date, and the purchase card is where purchasing keeps its word."""

from datetime import date, datetime

from django.db.models import F, Max

from processes.calendars import process_zone
from stock.models import StockLine


def arrivals_expected(cards: list, process, now: datetime) -> dict[int, date]:
    """{card id: the latest expected arrival of the stock it is short of}, for the cards short of
    a product whose open purchase card has a date (not before today). One query."""
    ids = [card.pk for card in cards]
    if not ids:
        return {}
    rows = (
        StockLine.objects.filter(
            card_id__in=ids,
            short__gt=0,
            consumed=False,
            product__purchase_needs__is_open=True,
            product__purchase_needs__card__promised_on__isnull=False,
        )
        .values("card_id")
        .annotate(day=Max("product__purchase_needs__card__promised_on"))
        .values_list("card_id", "day")
    )
    today = now.astimezone(process_zone(process)).date()
    return {card_id: max(day, today) for card_id, day in rows}


def lines_short_at_shipment(card) -> int:
    """The card's stock lines not reserved in full (not shipped in full)."""
    return StockLine.objects.filter(card=card, consumed=False, reserved__lt=F("quantity")).count()
