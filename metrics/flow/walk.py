"""The weekly figures of many weeks in one walk forward over the events (the backfill, issue 25).

`weekly_flow_metrics` folds the whole history up to a week's end for every week, so a year of
weeks reads the history 52 times. The walk reads it once: it copies the process's events that
metrics read into temporary tables (their JSON taken apart once), then goes forward week by
week, folding only the week's new events into a table of per-card state and merging them with
what it carried (every column of the fold is a MIN, a MAX or the latest by (at, id), and the
week's events all come after the carried ones, so the merge equals a fold of everything up to
the week's end). The fold returns the rows of the cards it changed, and the figures over every
card a week can see (work in progress and its ages, open cards, intake, conversion, the
cumulative flow, repeat clients, the trailing cycle and lead times) are carried in Python from
week to week (metrics/flow/walk_carry.py), so no week reads or ranks those populations again.
The rest are the same statement as `weekly_flow_metrics` (metrics/flow/sql.py, `figures`
narrowed to STATEMENT_FIGURES, its expressions word for word but these) reading the carried
tables instead of the whole history:

- `cs`, `cf`: the carried state of the cards the week moved (finished or agreed in it): the
  cards its figures read, with the finish the fold keeps;
- `asg`, `agr`: the agreed cards' channel, discount and items' totals read from the state by its
  key (the card's own values copied into it once);
- `ev`: the week's events only (what the SLA visits and the agreed cards read);
- `brk`, `bk`, `bk2`: the deadlines that passed, the blocks (each paired once with the next
  block or unblock of its card; the pair counts only if that next event is before the week's
  end, as when the week pairs them itself), read by time.
- `mv`, `ach`: the moves of the cards finished in the week, from the copy of the events through
  its index by card, and the line items and discount changes of those agreed in it, from a copy
  made once in card order (the events table keeps each card's events on pages apart: at
  1,000,000 cards most of a week's statement).

On PostgreSQL the week's statement runs in a thread of its own on the walk's connection while
the carried figures take in the fold's cards, in Python (walk_tables.Beside): the server and
this process each use a core, and the week costs the fold and the longer of the two.

`weekly_flow_metrics` stays the definition: tests/metrics/test_weekly_walk.py and
bench/weekly_backfill.py compare every figure of every week walked with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from django.db import connection

from metrics.flow.assemble import assemble
from metrics.flow.context import query_params, trailing_start, week_context
from metrics.flow.definitions import TRAILING_WEEKS
from metrics.flow.handoffs import handoff_wait_figures
from metrics.flow.history import MOVE, fold
from metrics.flow.sql import DAY, Dialect, ctes, dialect, figures
from metrics.flow.walk_carry import Carried
from metrics.flow.walk_tables import (
    BLOCKS,
    DUES,
    EVENTS,
    ITEMS,
    STATE,
    Beside,
    analyze,
    execute,
    run,
    run_then_read,
    stamp,
    walk_tables,
)
from metrics.weeks import iso_week_bounds, parse_week, week_shift
from processes.models import Client

# The figures the week's statement computes (of the cards it touched: finished or agreed in the
# week, their moves and blocks, the week's deadlines); the others are carried (walk_carry.py).
STATEMENT_FIGURES = (
    "throughput",
    "cycle_point",
    "time_in_status",
    "flow_efficiency",
    "blocked",
    "blocked_cards",
    "sla",
    "sla_due",
    "finished_by_channel",
    "margin",
    "discount",
)


def weekly_flow_walk(
    *, process, weeks: list[str], now: datetime | None = None
) -> Iterator[tuple[str, dict]]:
    """(week, figures) for each of `weeks`, oldest first, each equal to
    `weekly_flow_metrics(process=process, week=week, now=now)`. Reads the history once; the
    temporary tables live on this connection until the last week is given (or the loop is left).
    """
    contexts = [
        week_context(process=process, week=week, now=now)
        for week in sorted(set(weeks), key=parse_week)
    ]
    if not contexts:
        return
    d, n = dialect(), len(contexts[0].statuses)
    kept = [f for f in figures(d, n) if _metric(f) in STATEMENT_FIGURES]
    sql = f"WITH {ctes(d, n, swap=_swap(d, n))}\n" + "\nUNION ALL\n".join(kept)
    stamper = _stamper(d)
    with walk_tables(d, n, query_params(contexts[0])) as clients:
        carried = Carried(
            n=n,
            bounds=[stamper(b) for b in _week_starts(contexts)],
            stamp=stamper,
            nulls_last=d.name == "postgresql",
            clients=clients,
        )
        before, analyzed = None, 0
        for ctx in contexts:
            params = query_params(ctx)
            changed, read = _advance(d, n, params, before)
            # At most the cards folded so far: those carried and those the week changed.
            folded = len(carried.cards) + changed
            if folded >= 2 * analyzed:
                # The planner's estimates of the state follow the cards folded so far (every
                # card is in it from the start, most of them not yet reached by the walk).
                execute(analyze(d, STATE), {})
                analyzed = folded
            # The week's statement reads the state the fold left; meanwhile the fold's rows are
            # read and the carried figures take in the cards it changed, in Python (their
            # time hidden in the statement's).
            with Beside(sql, params) as statement:
                carried.update(read())
                week = carried.rows(params, ctx.order)
            rows = statement.rows + week.finish(
                values_of=lambda cards, params=params: _values(d, cards, params),
                client_names=_client_names,
            )
            week_figures = assemble(ctx, rows)
            # As weekly_flow_metrics: the handoff waits are read per week (few rows).
            week_figures["handoff_wait"] = handoff_wait_figures(
                process_id=process.pk, start=ctx.start, end=ctx.as_of
            )
            yield ctx.week, week_figures
            before = params["asof"]


def _metric(figure_sql: str) -> str:
    return re.match(r"SELECT '(\w+)' AS metric", figure_sql).group(1)


def _week_starts(contexts) -> list:
    """The starts of the weeks from the first one's trailing window to the last week, adapted
    as the statement's parameters are."""
    adapt = connection.ops.adapt_datetimefield_value
    week, last = week_shift(contexts[0].week, -(TRAILING_WEEKS - 1)), contexts[-1].week
    assert iso_week_bounds(contexts[0].process, week)[0] == trailing_start(contexts[0])
    starts = []
    while parse_week(week) <= parse_week(last):
        starts.append(adapt(iso_week_bounds(contexts[0].process, week)[0]))
        week = week_shift(week, 1)
    return starts


def _stamper(d: Dialect):
    """A parameter's instant as the carried rows give instants (walk_tables.stamp)."""
    if d.name == "postgresql":
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        return lambda value: (value - epoch) // timedelta(microseconds=1)
    return lambda value: value  # SQLite: the text the statement compares


def _span(d: Dialect, later: str, earlier: str) -> str:
    """A time's key for ranking, in the statement's order: microseconds on PostgreSQL, the
    statement's own double in days on SQLite."""
    if d.name == "postgresql":
        return d.microseconds(later, earlier)
    return f"{d.seconds(later, earlier)} / {DAY}"


def _returned(d: Dialect, n: int) -> str:
    """The columns of a card's carried row (walk_carry.py: CARD, CREATED, ...)."""
    reach = "".join(f", {stamp(d, f'reach_{k}')}" for k in range(n))
    return f"""card_id, {stamp(d, "created_at")}, {stamp(d, "started_at")},
        {stamp(d, "finished_at")}, state, resp, COALESCE(created_channel, card_channel), cli,
        card_client, {_span(d, "finished_at", "started_at")},
        {_span(d, "finished_at", "created_at")}{reach}"""


def _values(d: Dialect, cards: list[int], params: dict) -> dict[int, tuple]:
    """{card: (card, cycle, lead, age)} by the statement's expressions (metrics/flow/sql.py)."""
    if not cards:
        return {}
    ids = {f"c{i}": card for i, card in enumerate(cards)}
    secs = d.seconds
    sql = f"""SELECT card_id, {secs("finished_at", "started_at")} / {DAY},
        {secs("finished_at", "created_at")} / {DAY}, {secs("%(asof)s", "started_at")} / {DAY}
        FROM {STATE} WHERE card_id IN ({", ".join(f"%({k})s" for k in ids)})"""
    return {row[0]: row for row in run(sql, {"asof": params["asof"], **ids})}


def _client_names(ids: list[int]) -> dict[int, str]:
    """The names of the repeat clients (one query a week, none named or many)."""
    named = {f"c{i}": client for i, client in enumerate(ids)}
    among = ", ".join(f"%({k})s" for k in named) or "NULL"
    return dict(run(f"SELECT id, name FROM {Client._meta.db_table} WHERE id IN ({among})", named))


def _swap(d: Dialect, n: int) -> dict[str, str]:
    reach = "".join(f", reach_{k}" for k in range(n))
    width = d.event_key("at", "id")[1]
    return {
        "ev": f"SELECT * FROM {EVENTS} WHERE at >= %(start)s AND at < %(asof)s",
        # The state carries the card's own channel (read once, when the card is first folded),
        # so that a week does not join every card again. Only the cards the week moved: those
        # finished or agreed in it (the figures it computes; the client is read in Python).
        "card": f"SELECT card_id FROM {STATE} WHERE 1 = 0",  # cs reads the state itself
        "cs": f"""SELECT card_id, created_at, started_at, moved_at, state, resp, created_channel,
        cli{reach}, COALESCE(created_channel, card_channel) AS channel, NULL AS client_id,
        finished_at
    FROM {STATE} s
    WHERE s.created_at IS NOT NULL AND s.moved_at >= %(start)s""",
        # The fold keeps whether the card's status is final (its finish), as cf tells it.
        "cf": "SELECT * FROM cs",
        "cla": f"SELECT card_id, NULL AS cli_after FROM {STATE} WHERE 1 = 0",
        # The agreed cards' values from the state through its index, where the card's own are
        # kept (read with it once): the channel they came in by, the discount and the items'
        # totals now. (Joined to the materialized cf, misestimated, the planner looped over all
        # of cf for each agreed card; read from the cards, a look-up each in a large table.)
        "asg": f"""SELECT acg.card_id,
        COALESCE(CASE WHEN s.created_at IS NOT NULL THEN s.created_channel END, s.card_channel)
            AS channel,
        COALESCE(substr(set_before, {width + 1}), substr(replaced_after, {width + 1}),
            CAST(s.card_discount AS VARCHAR(20))) AS discount_text,
        s.card_price - COALESCE(price_after, 0) AS price,
        s.card_cost - COALESCE(cost_after, 0) AS cost
    FROM acg JOIN {STATE} s ON s.card_id = acg.card_id""",
        "agr": """SELECT card_id, channel, CAST(discount_text AS DOUBLE PRECISION) AS discount,
        CAST(ROUND(price * 100) AS BIGINT) AS price_c,
        CAST(ROUND(CAST(discount_text AS DOUBLE PRECISION) * 100) AS BIGINT) AS discount_h,
        CAST(ROUND(cost * 100) AS BIGINT) AS cost_c
    FROM asg""",
        # A block whose unblock came before the week lies outside it: only the cards finished
        # in the week need those (their blocked time inside the cycle).
        "bk": f"""SELECT card_id, kind, at, reason,
        CASE WHEN next_at < %(asof)s THEN next_kind END AS next_kind,
        CASE WHEN next_at < %(asof)s THEN next_at END AS next_at
    FROM {BLOCKS}
    WHERE at < %(asof)s AND (next_kind IS NULL OR next_kind <> 'unblock'
        OR next_at > %(start)s OR card_id IN (SELECT card_id FROM fw))""",
        "bk2": f"""SELECT bk.card_id, bk.reason, bk.at AS b_from, s.finished_at,
        CASE WHEN bk.next_kind = 'unblock' THEN bk.next_at ELSE %(asof)s END AS raw_to
    FROM bk {_by_card(d, "bk", "s", "finished_at")}
    WHERE bk.kind = 'block'""",
        # The moves of the cards finished in the week, from the copy through its index by card
        # (`_moves`), and the discount changes and line items of those agreed in it, from a copy
        # kept in the order of their card: read from the events table through its (card, at)
        # index, each card's events lie on pages of their own (at 1,000,000 cards, 100,000
        # pages a week, most of the statement's time).
        "mv": _moves(d),
        "ach": f"""SELECT agt.card_id, agt.agreed_key, e.kind, e.k, e.old, e.new, e.price, e.cost
    FROM agt LEFT JOIN {ITEMS} e ON e.card_id = agt.card_id""",
        "brk": f"""SELECT card_id, from_status AS status FROM {DUES}
    WHERE due_at >= %(start)s AND due_at < %(asof)s
    UNION ALL
    SELECT c.id, c.status FROM processes_requestcard c
    WHERE c.process_id = %(process)s AND c.sla_allowance IS NOT NULL
        AND c.status_changed_at < %(asof)s AND c.due_at >= %(start)s AND c.due_at < %(asof)s""",
    }


def _moves(d: Dialect) -> str:
    """The statement's `mv` (metrics/flow/sql.py): each move of the cards finished in the week,
    with the next one before the week's end. On PostgreSQL a look-up of each card's moves in
    the index that keeps them in order (walk_tables.moves_by_card), so none is sorted: the
    planner, misjudging the cards finished, could read every move up to the week's end (at
    1,000,000 cards 0.7 s a week rather than 0.1 s)."""
    if d.name == "postgresql":
        return f"""SELECT fw.card_id, m.to_status, m.at, m.left_at
    FROM fw CROSS JOIN LATERAL (
        SELECT e.to_status, e.at, LEAD(e.at) OVER (ORDER BY e.at, e.id) AS left_at
        FROM {EVENTS} e
        WHERE e.card_id = fw.card_id AND e.{MOVE} AND e.at < %(asof)s) m"""
    return f"""SELECT e.card_id, e.to_status, e.at,
        LEAD(e.at) OVER (PARTITION BY e.card_id ORDER BY e.at, e.id) AS left_at
    FROM {EVENTS} e
    WHERE e.card_id IN (SELECT card_id FROM fw) AND e.at < %(asof)s AND e.{MOVE}"""


def _by_card(d: Dialect, outer: str, alias: str, columns: str) -> str:
    """A join of `outer`'s rows to the state of their card (created), as `alias`. On
    PostgreSQL through the state's index, one card at a time: the blocks the week reads are
    misestimated many times over, and the planner hashed the whole state for them (at
    1,000,000 cards 0.2 s a week); OFFSET 0 keeps it from turning the look-up into that join."""
    if d.name == "postgresql":
        return f"""CROSS JOIN LATERAL (SELECT {columns} FROM {STATE}
        WHERE card_id = {outer}.card_id AND created_at IS NOT NULL OFFSET 0) {alias}"""
    return f"""JOIN (SELECT card_id, {columns} FROM {STATE} WHERE created_at IS NOT NULL)
        {alias} ON {alias}.card_id = {outer}.card_id"""


def _advance(d: Dialect, n: int, params: dict, before) -> tuple[int, Callable[[], list[tuple]]]:
    """Fold the events from `before` (the previous week's end; None: from the beginning) to
    this week's end into the carried state: the earliest points kept, the latest values
    replaced by the week's if it has any (the card's own channel and client, read when the
    state was made, kept). Returns how many cards it changed and the function that reads their
    rows (`_returned`; walk_tables.run_then_read)."""
    since = "at >= %(before)s AND " if before is not None else ""
    keep_first = ["created_at", "started_at", *(f"reach_{k}" for k in range(n))]
    merge = [f"{c} = COALESCE({STATE}.{c}, excluded.{c})" for c in keep_first] + [
        f"moved_at = COALESCE(excluded.moved_at, {STATE}.moved_at)",
        *(
            f"{c} = CASE WHEN excluded.moved_at IS NOT NULL THEN excluded.{c} ELSE {STATE}.{c} END"
            for c in ("state", "finished_at")
        ),
        f"resp = COALESCE(excluded.resp, {STATE}.resp)",
        f"cli = COALESCE(excluded.cli, {STATE}.cli)",
        f"""created_channel = CASE WHEN {STATE}.created_channel IS NULL
            OR excluded.created_channel > {STATE}.created_channel
            THEN excluded.created_channel ELSE {STATE}.created_channel END""",
    ]
    # Every card is in the state already (`walk_tables`, with its own values): the
    # insert is only the form of the merge. No column of the fold reads the blocks: a card
    # only blocked or unblocked in the week would be rewritten as it was.
    sql = f"""INSERT INTO {STATE}
        SELECT f.*, CASE WHEN st.final THEN f.moved_at END AS finished_at,
            NULL, NULL, NULL, NULL, NULL
        FROM (SELECT {fold(d, n)} FROM {EVENTS}
            WHERE {since}at < %(asof)s AND kind NOT IN ('block', 'unblock')
            GROUP BY card_id) f
            LEFT JOIN processes_status st ON st.process_id = %(process)s AND st.slug = f.state
        WHERE 1 = 1
        ON CONFLICT (card_id) DO UPDATE SET {", ".join(merge)}
        RETURNING {_returned(d, n)}"""
    return run_then_read(sql, {**params, "before": before})
