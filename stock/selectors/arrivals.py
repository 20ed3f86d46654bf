"""What stock tells the promise (processes/promises.py, registered in StockConfig.ready): when
the stock a card is short of is expected, and how many of its lines ship short.

The expected arrival of a product is the promised date of its open purchase card (the date the
supplier promised, set and moved on the purchase card like any promise, with a reason): stock
records no other date, and the purchase card is where purchasing keeps its word."""

from datetime import date, datetime

from django.db import connection
from django.db.models import DateField, F

from processes.calendars import process_zone
from processes.models import RequestCard
from stock.models import PurchaseNeed, StockLine

_DAY = DateField()


def _arrivals_sql(count: int) -> str:
    """The query of `arrivals_expected` for `count` card ids, written out: every card answer
    (a transition's too) asks it, and the ORM took 1.7 ms of CPU to build it, 0.1 ms to run
    (bench/hot_paths.py)."""
    line, need, card = StockLine._meta, PurchaseNeed._meta, RequestCard._meta
    column = {
        (meta, name): meta.get_field(name).column
        for meta, names in (
            (line, ("card", "product", "short", "consumed")),
            (need, ("card", "product", "is_open")),
            (card, ("promised_on",)),
        )
        for name in names
    }
    return (
        f"SELECT l.{column[line, 'card']}, MAX(c.{column[card, 'promised_on']})"
        f" FROM {line.db_table} l"
        f" JOIN {need.db_table} n ON n.{column[need, 'product']} = l.{column[line, 'product']}"
        f" JOIN {card.db_table} c ON c.{card.pk.column} = n.{column[need, 'card']}"
        f" WHERE l.{column[line, 'card']} IN ({', '.join(['%s'] * count)})"
        f" AND l.{column[line, 'short']} > 0 AND l.{column[line, 'consumed']} = %s"
        f" AND n.{column[need, 'is_open']} = %s AND c.{column[card, 'promised_on']} IS NOT NULL"
        f" GROUP BY l.{column[line, 'card']}"
    )


def arrivals_expected(cards: list, process, now: datetime) -> dict[int, date]:
    """{card id: the latest expected arrival of the stock it is short of}, for the cards short of
    a product whose open purchase card has a date (not before today). One query."""
    ids = [card.pk for card in cards]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_arrivals_sql(len(ids)), [*ids, False, True])
        rows = cursor.fetchall()
    today = now.astimezone(process_zone(process)).date()
    # SQLite answers a date as text.
    return {card_id: max(_DAY.to_python(day), today) for card_id, day in rows}


def lines_short_at_shipment(card) -> int:
    """The card's stock lines not reserved in full (not shipped in full)."""
    return StockLine.objects.filter(card=card, consumed=False, reserved__lt=F("quantity")).count()
