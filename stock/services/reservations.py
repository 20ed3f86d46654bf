"""Reserving, releasing and consuming a card's stock lines (docs/design.md, "Vocabulary": product,
stock, reservation). Counters and lines always move together in one transaction with the stock
rows locked in id order (services/locking.py); what a line cannot get is its shortage, waiting
oldest first. A reservation's take is one statement on PostgreSQL (services/taking.py)."""

from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef

from processes.models import EventKind, RequestCard
from processes.services.events import event_record
from stock.models import Movement, MovementKind, Stock, StockLine
from stock.services.locking import stocks_lock
from stock.services.taking import card_take

LINE_FIELDS = [
    "reserved",
    "short",
    "short_since",
    "first_reserved_at",
    "first_short",
    "first_quantity",
    "went_short_at",
    "filled_at",
    "consumed",
    "quantity",
]
ZERO = Decimal("0")


def _place(line_or_stock) -> tuple[int, int]:
    return (line_or_stock.product_id, line_or_stock.warehouse_id)


def line_take(line: StockLine, stock: Stock, now: datetime) -> Decimal:
    """Give `line` what it still needs from what `stock` has available; the rest is short.
    Both are changed in memory only: the caller saves them. Returns the units taken."""
    need = line.quantity - line.reserved
    take = max(ZERO, min(need, stock.on_hand - stock.reserved))
    stock.reserved += take
    line.reserved += take
    was_short = line.short > 0
    line.short = need - take
    if line.first_reserved_at is None:
        line.first_reserved_at = now
        line.first_quantity = need
        line.first_short = line.short
    if line.short > 0 and not was_short:
        line.short_since = now
        line.went_short_at = now
    elif line.short == 0 and was_short:
        line.short_since = None
        line.filled_at = now
    return take


def line_give_back(line: StockLine, stock: Stock, units: Decimal) -> None:
    """Return `units` of the line's reservation to the stock (in memory)."""
    units = min(units, line.reserved)
    line.reserved -= units
    stock.reserved -= units


def waiting_fill(stock: Stock, now: datetime, *, exclude_card_id: int | None = None) -> list:
    """Give what `stock` has available to the lines waiting for it, oldest shortage first.
    The stock row must be locked by the caller. Returns the lines that got something."""
    if stock.on_hand - stock.reserved <= 0:
        return []
    waiting = (
        StockLine.objects.select_for_update()
        .filter(product_id=stock.product_id, warehouse_id=stock.warehouse_id, short__gt=0)
        .exclude(consumed=True)
        .order_by("short_since", "id")
    )
    if exclude_card_id is not None:
        waiting = waiting.exclude(card_id=exclude_card_id)
    filled = []
    for line in waiting:
        if stock.on_hand - stock.reserved <= 0:
            break
        if line_take(line, stock, now) > 0:
            filled.append(line)
    StockLine.objects.bulk_update(filled, LINE_FIELDS)
    return filled


def card_lines_reserve(*, actor, card: RequestCard, now: datetime) -> list[StockLine]:
    """Reserve what is available for every open line of the card; the lines left short open
    or join their product's purchase card, raised by a worker. Returns the card's lines as left.

    The stock rows are held only while the counters change (bench/stock.py measures that
    hold). On PostgreSQL one statement takes the rows, the lines and the counters and commits
    at once (services/taking.py): nothing else runs while a row is held; the card's event is
    written by the same call (inside the caller's transaction when a move reserves). The
    shortages' purchase card, links, recount and notification are queued for a worker after
    the commit (purchasing.shortages_queue), one message while the product's catch-up waits
    for its worker (`Stock.catch_up_queued`): the request does not wait for them, nor queue
    on the product's one purchase need; `card_availability` says the card is being raised
    until it is linked."""
    if connection.vendor == "postgresql":
        # One round trip: the take, the card's event and the catch-up mark (services/taking.py).
        lines = _card_take(card, actor, now)
        queue = {line.product_id for line in lines if line.queue}
    else:
        lines, changed, queue = _card_take_in_python(card, now)
        if changed:
            # One INSERT: outside a transaction it commits by itself (no BEGIN/COMMIT).
            _stock_event(card=card, actor=actor, now=now, what="reserved", lines=changed)
    if queue:
        from stock.services.purchasing import shortages_queue

        shortages_queue(actor=actor, product_ids=queue)
    return lines


def _card_take(card, actor, now) -> list[StockLine]:
    def take():
        return card_take(card.pk, now, actor_id=getattr(actor, "pk", None), status=card.status)

    open_count, lines = take()
    if len(lines) < open_count:
        # A place never stocked (lines made before stock_item_add created its row): nothing
        # was taken; the row is created at zero and the call runs again, now finding it.
        _places_stock(card)
        open_count, lines = take()
    return lines


def _places_stock(card) -> bool:
    """Create the missing stock rows of the card's open lines; True when one was missing."""
    places = _card_places(card)
    missing = places - set(
        Stock.objects.filter(
            product_id__in={p for p, _ in places}, warehouse_id__in={w for _, w in places}
        ).values_list("product_id", "warehouse_id")
    )
    Stock.objects.bulk_create(
        [Stock(product_id=p, warehouse_id=w) for p, w in sorted(missing)], ignore_conflicts=True
    )
    return bool(missing)


def _card_take_in_python(card, now) -> tuple[list[StockLine], list[StockLine], set[int]]:
    """The same reservation as services/taking.py, for SQLite (which serialises writers): the
    stock rows locked in id order, the lines read under them, counters and lines written, the
    places left short marked as their catch-up queued. Returns the lines, those changed and
    the products whose catch-up message is to be sent."""
    with transaction.atomic():
        stocks = _card_stocks_lock(card)
        lines = list(StockLine.objects.filter(card=card, consumed=False).order_by("id"))
        if not lines:
            return [], [], set()
        if {_place(line) for line in lines} - set(stocks):
            stocks = stocks_lock({_place(line) for line in lines})
        taken: dict[tuple[int, int], Decimal] = {}
        changed = []
        for line in lines:
            before = (line.reserved, line.short, line.first_reserved_at)
            place = _place(line)
            taken[place] = taken.get(place, ZERO) + line_take(line, stocks[place], now)
            if before != (line.reserved, line.short, line.first_reserved_at):
                changed.append(line)
        for place, units in taken.items():
            if units:
                Stock.objects.filter(pk=stocks[place].pk).update(reserved=F("reserved") + units)
        for line in changed:
            StockLine.objects.filter(pk=line.pk).update(
                **{field: getattr(line, field) for field in LINE_FIELDS}
            )
        queue = set()
        for place in sorted({_place(line) for line in lines if line.short > 0}):
            if not stocks[place].catch_up_queued:
                Stock.objects.filter(pk=stocks[place].pk).update(catch_up_queued=True)
                queue.add(place[0])
    return lines, changed, queue


def _card_stocks_lock(card) -> dict:
    """The stock rows of the card's open lines, locked in id order by the query that finds
    them (one statement; Saleor's allocate_stocks locks the same way)."""
    lines_there = StockLine.objects.filter(
        card=card,
        consumed=False,
        product_id=OuterRef("product_id"),
        warehouse_id=OuterRef("warehouse_id"),
    )
    return {
        _place(s): s
        for s in Stock.objects.select_for_update(of=("self",))
        .filter(Exists(lines_there))
        .order_by("id")
    }


def card_lines_release(*, actor, card: RequestCard, now: datetime, why: str) -> list:
    """Give back every reservation of the card (lost or cancelled) and end its shortages; the
    units go to the other cards waiting for them, oldest shortage first."""
    from stock.services.purchasing import needs_recount, waiting_notify

    with transaction.atomic():
        places = _card_places(card)
        if not places:
            return []
        stocks = stocks_lock(places)
        lines = list(
            StockLine.objects.select_for_update().filter(card=card, consumed=False).order_by("id")
        )
        for line in lines:
            line_give_back(line, stocks[_place(line)], line.reserved)
            line.short = ZERO
            line.short_since = None
        StockLine.objects.bulk_update(lines, LINE_FIELDS)
        filled = []
        for stock in stocks.values():
            filled += waiting_fill(stock, now, exclude_card_id=card.pk)
        Stock.objects.bulk_update(list(stocks.values()), ["reserved"])
        if lines:
            _stock_event(card=card, actor=actor, now=now, what=f"released ({why})", lines=lines)
        needs_recount(product_ids={line.product_id for line in lines})
        waiting_notify(lines=filled, now=now)
    return lines


def card_lines_consume(*, actor, card: RequestCard, now: datetime) -> list:
    """Shipping: each line's reservation leaves the warehouse (on hand and reserved fall
    together), written in the ledger as a shipment."""
    with transaction.atomic():
        places = _card_places(card)
        if not places:
            return []
        stocks = stocks_lock(places)
        lines = list(
            StockLine.objects.select_for_update().filter(card=card, consumed=False).order_by("id")
        )
        movements = []
        for line in lines:
            stock = stocks[_place(line)]
            stock.on_hand -= line.reserved
            stock.reserved -= line.reserved
            line.consumed = True
            if line.reserved:
                movements.append(
                    Movement(
                        product_id=line.product_id,
                        warehouse_id=line.warehouse_id,
                        kind=MovementKind.SHIPMENT,
                        quantity=-line.reserved,
                        reason=f"Shipped with card #{card.pk}",
                        actor=actor,
                        at=now,
                        card=card,
                    )
                )
        Stock.objects.bulk_update(list(stocks.values()), ["on_hand", "reserved"])
        StockLine.objects.bulk_update(lines, LINE_FIELDS)
        Movement.objects.bulk_create(movements)
    return lines


def _card_places(card) -> set[tuple[int, int]]:
    """The places of the card's open stock lines (none: the effect costs this one query)."""
    return set(
        StockLine.objects.filter(card=card, consumed=False).values_list(
            "product_id", "warehouse_id"
        )
    )


def _stock_event(*, card, actor, now, what: str, lines) -> None:
    event_record(
        card=card,
        kind=EventKind.STOCK,
        actor=actor,
        at=now,
        comment=what,
        data={
            "lines": [
                {"item": line.item_id, "reserved": str(line.reserved), "short": str(line.short)}
                for line in lines
            ]
        },
    ).save()
