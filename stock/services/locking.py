"""The one lock order of stock writes: stock rows first, by id, then the stock lines they hold.

Every writer (reservation, release, receipt, count, shipment, a line's change) locks the rows
of the places it touches here, in ascending id, before it reads a counter; lines are locked
only while their place's stock row is held. Two writers then wait for each other instead of
deadlocking, and no two read the same `available` (RECIPES.md: a stock race needs PostgreSQL
to show it; SQLite serialises writers anyway).
"""

from collections.abc import Iterable

from django.db.models import Q

from stock.models import Stock

Place = tuple[int, int]  # (product id, warehouse id)


def stocks_lock(places: Iterable[Place]) -> dict[Place, Stock]:
    """The stock rows of `places`, created at zero if missing, locked in id order."""
    wanted = set(places)
    if not wanted:
        return {}
    query = Q()
    for product_id, warehouse_id in wanted:
        query |= Q(product_id=product_id, warehouse_id=warehouse_id)
    rows = {
        (s.product_id, s.warehouse_id): s
        for s in Stock.objects.select_for_update().filter(query).order_by("id")
    }
    if len(rows) == len(wanted):
        return rows
    # A place never stocked gets its row at zero (a concurrent insert of it is ignored); the
    # rows are then locked again, all in id order.
    Stock.objects.bulk_create(
        [Stock(product_id=p, warehouse_id=w) for p, w in sorted(wanted - set(rows))],
        ignore_conflicts=True,
    )
    return {
        (s.product_id, s.warehouse_id): s
        for s in Stock.objects.select_for_update().filter(query).order_by("id")
    }
