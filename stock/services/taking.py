"""A card's reservation in ONE round trip on PostgreSQL (issue 23: 50 clients on one product).

The stock rows are the hot spot: every reservation of a product queues on its one row. Here the
row is held only by one query string sent at once and committed at once (autocommit), so no
client round trip and no Python run while it is held: the hold is the server's own work after
the lock plus the commit.

Two statements sent as one query string (one round trip; PostgreSQL runs them as one implicit
transaction and commits after the second, or they join the caller's transaction):
1. the stock rows of the card's open lines, locked in id order (services/locking.py's order);
2. with a snapshot taken after those locks (READ COMMITTED: each statement takes its own), so
   it reads the rows and the card's lines at their latest (every write of a line holds its
   place's row): `plan`, what each line takes, oldest line of a place first (a running sum of
   the needs); `changed` writes the lines that change, `bumped` moves each stock counter by
   what its lines took. Lines and counters move in one transaction: `stock_check` never sees
   them differ, even after a crash.
Why not one statement with `FOR UPDATE` in a CTE: its snapshot is older than the lock it waits
for, and an UPDATE of the row in the same statement then builds the new row from the version
that snapshot saw (tests/stock/test_take.py has the case: a receipt while the take waits).
The same rules as `reservations.line_take` (short_since, went_short_at, filled_at, first_*).
"""

from datetime import datetime

from django.db import connection

from stock.models import StockLine

TAKE_SQL = """
SELECT s.id FROM stock_stock s
WHERE (s.product_id, s.warehouse_id) IN (
    SELECT product_id, warehouse_id FROM stock_stockline
    WHERE card_id = %(card)s AND NOT consumed
)
ORDER BY s.id
FOR UPDATE OF s;

WITH open_lines AS (
    SELECT product_id, warehouse_id FROM stock_stockline
    WHERE card_id = %(card)s AND NOT consumed
),
held AS (
    SELECT s.id, s.product_id, s.warehouse_id, s.on_hand - s.reserved AS available
    FROM stock_stock s
    WHERE (s.product_id, s.warehouse_id) IN (SELECT product_id, warehouse_id FROM open_lines)
),
lines AS (
    SELECT l.id, l.item_id, l.product_id, l.warehouse_id, l.quantity, l.reserved, l.short,
           l.first_reserved_at, h.id AS stock_id, h.available
    FROM stock_stockline l
    JOIN held h ON h.product_id = l.product_id AND h.warehouse_id = l.warehouse_id
    WHERE l.card_id = %(card)s AND NOT l.consumed
),
plan AS (
    SELECT id, item_id, product_id, warehouse_id, stock_id, short, first_reserved_at,
           reserved, quantity - reserved AS need,
           LEAST(quantity - reserved, GREATEST(0, available - (
               SUM(quantity - reserved) OVER (PARTITION BY stock_id ORDER BY id)
               - (quantity - reserved)
           ))) AS take
    FROM lines
),
changed AS (
    UPDATE stock_stockline l SET
        reserved = p.reserved + p.take,
        short = p.need - p.take,
        first_reserved_at = COALESCE(p.first_reserved_at, %(now)s),
        first_quantity = CASE WHEN p.first_reserved_at IS NULL THEN p.need
                              ELSE l.first_quantity END,
        first_short = CASE WHEN p.first_reserved_at IS NULL THEN p.need - p.take
                           ELSE l.first_short END,
        short_since = CASE WHEN p.need - p.take > 0 AND p.short = 0 THEN %(now)s
                           WHEN p.need - p.take = 0 AND p.short > 0 THEN NULL
                           ELSE l.short_since END,
        went_short_at = CASE WHEN p.need - p.take > 0 AND p.short = 0 THEN %(now)s
                             ELSE l.went_short_at END,
        filled_at = CASE WHEN p.need - p.take = 0 AND p.short > 0 THEN %(now)s
                         ELSE l.filled_at END
    FROM plan p
    WHERE l.id = p.id
      AND (p.take > 0 OR p.short <> p.need - p.take OR p.first_reserved_at IS NULL)
    RETURNING l.id
),
bumped AS (
    UPDATE stock_stock s SET reserved = s.reserved + t.taken
    FROM (SELECT stock_id, SUM(take) AS taken FROM plan GROUP BY stock_id) t
    WHERE s.id = t.stock_id AND t.taken > 0
    RETURNING s.id
)
SELECT o.lines, p.id, p.item_id, p.product_id, p.warehouse_id, p.reserved + p.take, p.need - p.take,
       p.id IN (SELECT id FROM changed), (SELECT count(*) FROM bumped)
FROM (SELECT count(*) AS lines FROM open_lines) o
LEFT JOIN plan p ON true
ORDER BY p.id
"""


def card_take(card_id: int, now: datetime) -> tuple[int, list[StockLine]]:
    """Run the statement for the card: how many open lines the card has, and those with a
    stock row as the statement left them (unsaved StockLines holding the fields the
    bookkeeping after it reads; `changed`: written now). Outside a transaction it commits at
    once; inside the caller's (a move that reserves) it is part of it."""
    with connection.cursor() as cursor:
        cursor.execute(TAKE_SQL, {"card": card_id, "now": now})
        rows = cursor.fetchall()
    open_count = rows[0][0] if rows else 0
    lines = []
    for _, pk, item_id, product_id, warehouse_id, reserved, short, changed, _ in rows:
        if pk is None:
            continue
        line = StockLine(
            id=pk,
            item_id=item_id,
            card_id=card_id,
            product_id=product_id,
            warehouse_id=warehouse_id,
            reserved=reserved,
            short=short,
        )
        line.changed = changed
        lines.append(line)
    return open_count, lines
