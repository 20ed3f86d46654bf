"""The temporary tables of one walk (metrics/flow/walk.py): the process's events copied once with
their JSON taken apart (their moves indexed by card), what the weeks read of them kept apart in
the order they are read (the blocks paired with what follows them, the deadlines passed, the
client changes, the line items in card order), and the carried state of every card. Made and
dropped by `walk_tables`; the statements that fill and read them run with the walk's memory
settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

from metrics.flow.history import MOVE, events, fold
from metrics.flow.sql import Dialect

EVENTS, STATE, BLOCKS, DUES, CLIENTS, ITEMS = (
    "flow_walk_ev",
    "flow_walk_state",
    "flow_walk_bk",
    "flow_walk_due",
    "flow_walk_cli",
    "flow_walk_items",
)
# PostgreSQL's memory for one walk: the carried tables held in memory rather than read back from
# files each week (temp_buffers, settable only before the session's first temporary table), and
# the week's sorts and intermediate results kept in memory (work_mem, per sort, for the walk's
# statements only). The defaults (8 MB and 4 MB) spill both to disk from 100,000 cards on.
# The copies are made once, sorted and indexed in memory (COPY_MEM for their statements: at
# 1,000,000 cards each index on the events' copy sorts 6.5 million rows).
TEMP_BUFFERS, WORK_MEM, COPY_MEM = "2GB", "64MB", "1GB"


def stamp(d: Dialect, column: str) -> str:
    """An instant as Python compares it like the statement: microseconds since 1970 on
    PostgreSQL (integers, cheaper to read than timestamps), the stored text on SQLite."""
    if d.name == "postgresql":  # date_part: a double, cheaper than EXTRACT's numeric; below
        # 2**53 microseconds, rounding it back to microseconds is exact
        return f"CAST(date_part('epoch', {column}) * 1000000 AS BIGINT)"
    return column


@contextmanager
def walk_tables(d: Dialect, n: int, params: dict):
    """The temporary tables of one walk, dropped at the end, whatever happens."""
    names = (EVENTS, STATE, BLOCKS, DUES, CLIENTS, ITEMS)
    execute([f"DROP TABLE IF EXISTS {name}" for name in names], {})
    settings = {}
    if d.name == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
        except DatabaseError:
            pass  # this session has used temporary tables already: it keeps its size
        # Every statement of the walk (`run`, and `Beside`'s thread) runs with the walk's
        # settings: the session has them until the walk ends, then its own again.
        settings = _session_set({"jit": "off", "work_mem": WORK_MEM})
    try:
        # The copy of the events, their JSON taken apart by parallel workers: the planner
        # costs the reading of JSON at nothing and the rows handed back at more than it, and
        # keeps it in one process (at 1,000,000 cards 12.5 s, in three 8.4 s).
        # So are the line items, their prices' decimals worked out by the workers (5.1 ->
        # 3.7 s). The moves of the cards a week finishes are read from the copy of the events
        # through an index by card that holds what they read (`moves_by_card`): a third copy of
        # the moves, sorted in card order with each move's next one, cost 10 s at 1,000,000
        # cards against the index's 4.5 s.
        execute(
            [
                f"CREATE TEMPORARY TABLE {EVENTS} AS {events(d, until=None)}",
                f"""CREATE TEMPORARY TABLE {ITEMS} AS {_items(d)} ORDER BY e.card_id""",
            ],
            params,
            memory=COPY_MEM,
            parallel=True,
        )
        execute(
            [
                f"CREATE INDEX {EVENTS}_at ON {EVENTS} (at)",
                f"""CREATE TEMPORARY TABLE {BLOCKS} AS SELECT * FROM (
                    SELECT card_id, kind, at, reason,
                        LEAD(kind) OVER w AS next_kind, LEAD(at) OVER w AS next_at
                    FROM {EVENTS} WHERE kind IN ('block', 'unblock')
                    WINDOW w AS (PARTITION BY card_id ORDER BY at, id)
                ) b WHERE kind = 'block'""",
                f"""CREATE TEMPORARY TABLE {DUES} AS SELECT card_id, from_status, due_at
                    FROM {EVENTS} WHERE due_at IS NOT NULL""",
                f"CREATE INDEX {DUES}_due ON {DUES} (due_at)",
                f"""CREATE TEMPORARY TABLE {CLIENTS} AS SELECT card_id, at, id, cli_old
                    FROM {EVENTS} WHERE kind = 'field_change'""",
                # Every card of the process, its points empty until a fold reaches it, and its
                # own channel, client, discount and items' totals read here once (the cards'
                # values now, as the statement reads them): the fold's merge then only updates
                # (reading the card by its key there cost each week's fold a join with all of
                # the state, or a look-up per card folded).
                f"""CREATE TEMPORARY TABLE {STATE} AS SELECT f.*, moved_at AS finished_at,
                        c.channel AS card_channel, c.client_id AS card_client,
                        c.discount_percent AS card_discount, c.items_price_total AS card_price,
                        c.items_cost_total AS card_cost
                    FROM processes_requestcard c JOIN (
                        SELECT {fold(d, n)} FROM {EVENTS} WHERE 1 = 0 GROUP BY card_id
                    ) f ON c.id = f.card_id""",
                f"""INSERT INTO {STATE} (card_id, card_channel, card_client, card_discount,
                        card_price, card_cost)
                    SELECT id, channel, client_id, discount_percent, items_price_total,
                        items_cost_total FROM processes_requestcard
                    WHERE process_id = %(process)s""",
                moves_by_card(d),
                f"CREATE INDEX {ITEMS}_card ON {ITEMS} (card_id)",
                f"CREATE UNIQUE INDEX {STATE}_card ON {STATE} (card_id)",
                f"CREATE INDEX {STATE}_moved ON {STATE} (moved_at)",
                *analyze(d, EVENTS, BLOCKS, DUES, CLIENTS, ITEMS),
            ],
            params,
            memory=COPY_MEM,
        )
        if d.name == "postgresql" and not connection.in_atomic_block:
            # The copy's pages marked all visible, so that the moves are read from the index
            # alone (0.2 s once at 1,000,000 cards; a week's moves then 0.1 s, not 0.2 s).
            # Inside a transaction (VACUUM cannot run there) they are read from the table.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {EVENTS}")
        yield _clients(d)
    finally:
        execute([f"DROP TABLE IF EXISTS {name}" for name in names], {})
        if settings:
            _session_set(settings)


def moves_by_card(d: Dialect) -> str:
    """The index that gives a card's moves in their order (at, id) with the status they entered,
    from its leaves alone on PostgreSQL (INCLUDE; once the copy is vacuumed, `walk_tables`)."""
    if d.name == "postgresql":
        columns = "(card_id, at, id) INCLUDE (to_status)"
    else:
        columns = "(card_id, at, id, to_status)"
    return f"CREATE INDEX {EVENTS}_card ON {EVENTS} {columns} WHERE {MOVE}"


def _session_set(values: dict[str, str]) -> dict[str, str]:
    """Set the session's `values` (name: value); returns those they replaced."""
    with connection.cursor() as cursor:
        before = {}
        for name, value in values.items():
            cursor.execute("SELECT current_setting(%s), set_config(%s, %s, false)",
                           [name, name, value])  # fmt: skip
            before[name] = cursor.fetchone()[0]
    return before


def _items(d: Dialect) -> str:
    """The process's discount changes and line items, as the statement's `ach` reads them
    (metrics/flow/sql.py): their key, old and new values, price and cost."""
    json = d.json_text
    return f"""SELECT e.card_id, e.kind, {d.event_key("e.at", "e.id")[0]} AS k,
        {json("e.data", "old")} AS old, {json("e.data", "new")} AS new,
        ROUND(CAST({json("e.data", "quantity")} AS DECIMAL(20, 6))
            * CAST({json("e.data", "unit_price")} AS DECIMAL(20, 6)), 2) AS price,
        ROUND(CAST({json("e.data", "quantity")} AS DECIMAL(20, 6))
            * CAST({json("e.data", "unit_cost")} AS DECIMAL(20, 6)), 2) AS cost
    FROM processes_event e JOIN processes_requestcard c ON c.id = e.card_id
    WHERE c.process_id = %(process)s AND (e.kind = 'item_added' OR (e.kind = 'field_change'
        AND {json("e.data", "field")} = 'discount_percent'))"""


def _clients(d: Dialect) -> dict[int, list[tuple]]:
    """{card: [(at, id, old client)]} of the client changes that name the client before, in
    order (a card's client as of a week's end, before its first change after it)."""
    clients: dict[int, list[tuple]] = {}
    sql = f"""SELECT card_id, {stamp(d, "at")}, id, cli_old FROM {CLIENTS}
        WHERE cli_old IS NOT NULL ORDER BY card_id, at, id"""
    for card, at, id_, old in run(sql, {}):
        clients.setdefault(card, []).append((at, id_, old))
    return clients


def analyze(d: Dialect, *tables: str) -> list[str]:
    # Temporary tables are never analysed by autovacuum; SQLite plans well enough without.
    return [f"ANALYZE {t}" for t in tables] if d.name == "postgresql" else []


def run(sql: str, params: dict) -> list[tuple]:
    """A statement of the walk, as metrics.flow.context.run runs them: the memory for sorts and
    `jit = off` are the walk's session's (`walk_tables` sets them for the walk's time)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def run_then_read(sql: str, params: dict) -> tuple[int, Callable[[], list[tuple]]]:
    """A statement of the walk whose rows are read later: (how many, the function that reads
    them). On PostgreSQL the rows wait on the client (psycopg2 keeps a statement's result there)
    and become Python values when read, which may be while the connection runs the next
    statement (`Beside`): at 1,000,000 cards the fold's 40,000 rows a week take 0.06 s to read.
    Elsewhere they are read at once."""
    if connection.vendor != "postgresql":
        rows = run(sql, params)
        return len(rows), lambda: rows
    cursor = connection.cursor()
    try:
        with transaction.atomic():
            cursor.execute(sql, params)
    except BaseException:
        cursor.close()
        raise

    def read() -> list[tuple]:
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    return cursor.rowcount, read


class Beside:
    """A statement of the walk run on the walk's connection in a thread of its own while the
    caller goes on in Python (`with Beside(sql, params) as statement: ...; statement.rows`):
    on PostgreSQL the week's statement and the carried figures' Python take the time of the
    longer, not of both (the server and this process each have a core). The caller must not
    use the connection inside the block; leaving it waits for the statement, whatever
    happens. Elsewhere (SQLite: one connection, one writer) the statement runs first.

    The thread runs in the caller's transaction, if it has one (tests), else in its own; the
    memory settings are the walk's session's (`walk_tables`), as for `run`."""

    def __init__(self, sql: str, params: dict):
        self.sql, self.params = sql, params
        self.rows: list[tuple] | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._wrapper = connections[DEFAULT_DB_ALIAS]

    def __enter__(self) -> Beside:
        if connection.vendor != "postgresql":
            self.rows = run(self.sql, self.params)
            return self
        self._wrapper.ensure_connection()
        self._wrapper.inc_thread_sharing()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            with self._wrapper.cursor() as cursor:
                cursor.execute(self.sql, self.params)
                self.rows = cursor.fetchall()
        except BaseException as exc:  # noqa: BLE001 (raised again in the caller's thread)
            self._error = exc

    def __exit__(self, *exc_info) -> None:
        if self._thread is None:
            return
        self._thread.join()
        self._wrapper.dec_thread_sharing()
        if self._error is not None and exc_info[0] is None:
            raise self._error


def execute(
    statements: list[str], params: dict, memory: str = WORK_MEM, parallel: bool = False
) -> None:
    """`parallel`: plans in parallel wherever they can be (a statement that reads only the
    database's tables: none of the walk's temporary tables can be read by a worker)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"SET LOCAL work_mem = '{memory}'")
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{memory}'")
            if parallel:
                cursor.execute("SET LOCAL parallel_setup_cost = 0")
                cursor.execute("SET LOCAL parallel_tuple_cost = 0")
        for sql in statements:
            cursor.execute(sql, params if "%(" in sql else None)
