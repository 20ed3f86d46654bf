"""A card's reservation in ONE round trip on PostgreSQL (issue 23: 50 clients on one product).

The stock rows are the hot spot: every reservation of a product queues on its one row. Here the
row is held only by one call sent at once and committed at once (autocommit), so no
client round trip and no Python run while it is held: the hold is the server's own work after
the lock plus the commit.

One call of the function `stock_card_take(card, now, actor, status)`
(stock/migrations/0004_take_records_event_and_queues_once.py, first made by 0003; one round
trip, the card's event included; outside a transaction it commits at once, inside the
caller's it is part of it)
runs two statements, each with a snapshot of its own (a VOLATILE function in READ COMMITTED):
1. the stock rows of the card's open lines, locked in id order (services/locking.py's order);
2. with a snapshot taken after those locks (READ COMMITTED: each statement takes its own), so
   it reads the rows and the card's lines at their latest (every write of a line holds its
   place's row): `plan`, what each line takes, oldest line of a place first (a running sum of
   the needs); `changed` writes the lines that change, `bumped` moves each stock counter by
   what its lines took (and marks the row when a catch-up message is to be sent, see
   purchasing.shortages_queue), `event` writes the card's event of the changed lines. Lines
   and counters move in one transaction: `stock_check` never sees them differ, even after a
   crash.
Why not one statement with `FOR UPDATE` in a CTE: its snapshot is older than the lock it waits
for, and an UPDATE of the row in the same statement then builds the new row from the version
that snapshot saw (tests/stock/test_take.py has the case: a receipt while the take waits).
The same rules as `reservations.line_take` (short_since, went_short_at, filled_at, first_*).
A function rather than the same two statements sent as text: its plans are kept by the
connection (`plan_cache_mode = force_generic_plan`), where the text was parsed and planned on
every call with the row held, planning costing twice the statement's execution (bench/stock.py).
"""

from datetime import datetime

from django.db import connection

from stock.models import StockLine

TAKE_SQL = "SELECT * FROM stock_card_take(%s, %s, %s, %s)"


def card_take(
    card_id: int, now: datetime, *, actor_id: int | None, status: str
) -> tuple[int, list[StockLine]]:
    """Run the statement for the card: how many open lines the card has, and those with a
    stock row as the statement left them (unsaved StockLines holding the fields the
    bookkeeping after it reads; `changed`: written now; `queue`: the line's product needs a
    catch-up message, none being queued). The same call writes the card's event of the
    changed lines (`actor_id`, the card's `status`). Outside a transaction it commits at once;
    inside the caller's (a move that reserves) it is part of it. When a line's place has no
    stock row, nothing is taken: the caller creates the rows and calls again."""
    with connection.cursor() as cursor:
        cursor.execute(TAKE_SQL, (card_id, now, actor_id, status))
        rows = cursor.fetchall()
    open_count = rows[0][0] if rows else 0
    lines = []
    for _, pk, item_id, product_id, warehouse_id, reserved, short, changed, queue in rows:
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
        line.queue = queue
        lines.append(line)
    return open_count, lines
