"""A card's stock lines: a line item that is a product, added, changed and removed through
the processes services (events, totals, approvals) with its reservation kept in step."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from opmodel.errors import Refused
from processes.definition import process_definition
from processes.models import Event, EventKind, LineItem, RequestCard
from processes.services import card_item_add
from processes.services.items import card_item_change, card_item_remove
from stock.models import Stock, StockLine
from stock.services.locking import stocks_lock
from stock.services.movements import product_by_sku, quantity_check, warehouse_by_code
from stock.services.purchasing import needs_recount, waiting_notify
from stock.services.reservations import LINE_FIELDS, line_give_back, waiting_fill


def stock_item_add(
    *,
    actor,
    card: RequestCard,
    sku: str,
    quantity: Decimal,
    unit_price: Decimal,
    unit_cost: Decimal,
    warehouse: str | None = None,
    expected_version: int | None = None,
    at: datetime,
) -> LineItem:
    """A line for a product: reserved later, when the process says or on demand."""
    product = product_by_sku(sku)
    place = warehouse_by_code(warehouse)
    quantity_check(product, quantity)
    with transaction.atomic():
        item = card_item_add(
            actor=actor,
            card=card,
            product=f"{product.sku} {product.name}"[:200],
            quantity=quantity,
            unit_price=unit_price,
            unit_cost=unit_cost,
            expected_version=expected_version,
            at=at,
        )
        StockLine.objects.create(
            item=item, card=card, product=product, warehouse=place, quantity=quantity
        )
        # The place's stock row exists before its first reservation, which then finds and
        # locks it in one statement (a concurrent insert of it is ignored).
        Stock.objects.bulk_create([Stock(product=product, warehouse=place)], ignore_conflicts=True)
    return item


SHIPPING_EFFECT = "consume_stock"


def card_has_shipped(card: RequestCard) -> bool:
    """The card has made its process's shipping move (a transition whose effects consume stock:
    order to cash's `fulfil`), whether or not it had stock lines. One query (none on the card
    page, whose events are prefetched, or for a process that never ships)."""
    names = [
        t.name
        for t in process_definition(card.process).transitions.values()
        if SHIPPING_EFFECT in (t.effects or [])
    ]
    if not names:
        return False
    if "events" in getattr(card, "_prefetched_objects_cache", {}):  # the card page's
        return any(
            e.kind == EventKind.TRANSITION and e.transition in names for e in card.events.all()
        )
    return Event.objects.filter(card=card, kind=EventKind.TRANSITION, transition__in=names).exists()


def _line_locked(item: LineItem) -> tuple[StockLine | None, Stock | None]:
    line = StockLine.objects.filter(item=item).first()
    if line is None:
        # A free-text line follows the stock lines' rule: once the card has shipped, what
        # shipped is the record (a stock line is refused below, by its consumed flag).
        if card_has_shipped(item.card):
            raise Refused("This card has shipped: its lines can no longer change.")
        return None, None
    if line.consumed:
        raise Refused("This line has shipped: it can no longer change.")
    place = (line.product_id, line.warehouse_id)
    stock = stocks_lock([place])[place]
    line = StockLine.objects.select_for_update().get(pk=line.pk)
    return line, stock


def _give_back_to_waiting(*, stock: Stock, line: StockLine, units: Decimal, now) -> list:
    line_give_back(line, stock, units)
    filled = waiting_fill(stock, now, exclude_card_id=line.card_id)
    Stock.objects.filter(pk=stock.pk).update(reserved=stock.reserved)
    return filled


def stock_item_change(
    *, actor, item: LineItem, changes: dict, expected_version: int | None = None, at: datetime
) -> LineItem:
    """Change a line; a stock line whose quantity falls releases what it no longer needs (to
    the oldest waiting shortage), one whose quantity rises is short until reserved again."""
    with transaction.atomic():
        line, stock = _line_locked(item)
        if line is not None and "quantity" in changes:
            quantity_check(line.product, changes["quantity"])
        item = card_item_change(
            actor=actor, item=item, changes=changes, expected_version=expected_version, at=at
        )
        if line is None or item.quantity == line.quantity:
            return item
        line.quantity = item.quantity
        filled = []
        if line.reserved > line.quantity:
            filled = _give_back_to_waiting(
                stock=stock, line=line, units=line.reserved - line.quantity, now=at
            )
        was_short = line.short > 0
        line.short = line.quantity - line.reserved if line.first_reserved_at else Decimal(0)
        if line.short > 0 and not was_short:
            line.short_since = line.went_short_at = at
        elif line.short == 0:
            line.short_since = None
        line.save(update_fields=LINE_FIELDS)
        needs_recount(product_ids={line.product_id})
        waiting_notify(lines=filled, now=at)
    return item


def stock_item_remove(
    *, actor, item: LineItem, expected_version: int | None = None, at: datetime
) -> None:
    with transaction.atomic():
        line, stock = _line_locked(item)
        filled = []
        if line is not None:
            filled = _give_back_to_waiting(stock=stock, line=line, units=line.reserved, now=at)
            line.short = Decimal(0)
            line.save(update_fields=LINE_FIELDS)
        card_item_remove(actor=actor, item=item, expected_version=expected_version, at=at)
        if line is not None:
            needs_recount(product_ids={line.product_id})
        waiting_notify(lines=filled, now=at)
