"""The process map's figures on PostgreSQL, counted in the database (docs/design.md, "Metric
definitions", Map; the definitions are in flow/selectors/process_map.py).

One statement: the moves (created and transition events) of every card that moved in the window,
ordered by the metrics' tie rule (time, then id) with window functions; each move's business
time to the card's next move (the visit it began) and from its previous one (the visit it
ended), from the calendar's working windows passed as arrays (`BusinessClock`, read with
`width_bucket`, the numpy arithmetic repeated operation for operation); then GROUP BY per status,
per move, per finished card and per variant, percentiles with `percentile_cont` (numpy's linear
interpolation). The cards behind one figure are read by the same CTE when that figure is opened.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from flow.selectors.business_hours import BusinessClock

# Days of calendar before the window passed with the statement; a card whose history starts
# earlier is rare, and the statement is then run again with the calendar it needs.
HISTORY_GUESS_DAYS = 400

MOVES_CTE = """
WITH moved AS (
    SELECT c.id AS card_id FROM processes_requestcard c
    WHERE c.process_id = %(process)s AND EXISTS (
        SELECT 1 FROM processes_event e
        WHERE e.card_id = c.id AND e.at >= %(start)s AND e.at < %(end)s
            AND e.kind IN ('created', 'transition'))
),
mv AS MATERIALIZED (
    SELECT card_id, at, from_status, to_status, inside, n, x,
        strpos(',' || seen || ',', ',' || to_status || ',') > 0 AS repeat,
        CASE WHEN el_next IS NULL THEN NULL
            ELSE floor((el_next - el) / 3600::float8 * 3600::float8 + 1e-6::float8)
                / 3600::float8 END AS stay,
        CASE WHEN el_prev IS NULL THEN NULL
            ELSE floor((el - el_prev) / 3600::float8 * 3600::float8 + 1e-6::float8)
                / 3600::float8 END AS left_stay,
        CASE WHEN el_next IS NULL THEN concat_ws(',', seen, to_status) END AS path,
        CASE WHEN el_next IS NULL THEN pairs END AS pairs,
        CASE WHEN el_next IS NULL THEN
            extract(epoch FROM at - first_at)::float8 / 86400 END AS lead_days
    FROM (
        SELECT ev.*,
            LAG(el) OVER w AS el_prev, LEAD(el) OVER w AS el_next, ROW_NUMBER() OVER w AS n,
            first_value(at) OVER w AS first_at,
            string_agg(to_status, ',') OVER seen AS seen,
            string_agg(from_status || '>' || to_status, ',') OVER w AS pairs
        FROM (
            SELECT e.card_id, e.id, e.at, x.x,
                e.from_status::text COLLATE "C" AS from_status,
                e.to_status::text COLLATE "C" AS to_status,
                e.at >= %(start)s AND e.at < %(end)s AS inside,
                CASE WHEN b.i = 0 THEN 0::float8
                    ELSE (%(before)s::float8[])[b.i]
                        + LEAST(GREATEST(x.x - (%(opens)s::float8[])[b.i], 0::float8),
                                (%(spans)s::float8[])[b.i]) END AS el
            FROM processes_event e JOIN moved m ON m.card_id = e.card_id
            CROSS JOIN LATERAL (SELECT date_part('epoch', e.at) AS x) x
            CROSS JOIN LATERAL (SELECT width_bucket(x.x, %(opens)s::float8[]) AS i) b
            WHERE e.kind IN ('created', 'transition')
        ) ev
        WINDOW o AS (PARTITION BY card_id ORDER BY at, id),
            w AS (o ROWS UNBOUNDED PRECEDING),
            seen AS (o ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ) s
),
fin AS (
    SELECT card_id, path, pairs, lead_days FROM mv
    WHERE stay IS NULL AND inside AND to_status = ANY(%(final)s::text[])
)
"""

FIGURES_SQL = (
    MOVES_CTE
    + """
SELECT json_build_object(
    'nodes', (SELECT json_agg(json_build_array(to_status, visits, pcts, total, repeats)) FROM (
        SELECT to_status, count(*) AS visits,
            percentile_cont(ARRAY[0.5, 0.85]::float8[]) WITHIN GROUP (ORDER BY stay) AS pcts,
            sum(stay) AS total, count(*) FILTER (WHERE repeat) AS repeats
        FROM mv WHERE inside GROUP BY to_status) a),
    'edges', (SELECT json_agg(json_build_array(from_status, to_status, moves, pcts)) FROM (
        SELECT from_status, to_status, count(*) AS moves,
            percentile_cont(ARRAY[0.5, 0.85]::float8[]) WITHIN GROUP (ORDER BY left_stay) AS pcts
        FROM mv WHERE inside AND n > 1
        GROUP BY from_status, to_status) a),
    'rework', (SELECT count(DISTINCT card_id) FROM mv WHERE inside AND repeat),
    'moved', (SELECT count(*) FROM moved),
    'variants', (SELECT json_agg(json_build_array(path, cards, p50)) FROM (
        SELECT path, count(*) AS cards,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_days) AS p50
        FROM fin GROUP BY path) a),
    'sequences', (SELECT json_agg(json_build_array(path, pairs, cards)) FROM (
        SELECT path, pairs, count(*) AS cards FROM fin
        GROUP BY path, pairs) a),
    'span', (SELECT json_build_array(min(x), max(x)) FROM mv)
)
"""
)

CARDS_SQL = {
    "status": "SELECT DISTINCT card_id FROM mv WHERE inside AND to_status = %(a)s",
    "move": "SELECT DISTINCT card_id FROM mv WHERE inside AND n > 1 "
    "AND from_status = %(a)s AND to_status = %(b)s",
    "rework": "SELECT DISTINCT card_id FROM mv WHERE inside AND repeat",
    "variant": "SELECT card_id FROM fin WHERE path = %(path)s",
    "deviation": "SELECT card_id, path, pairs FROM fin",
}
# Statements run with their own memory for sorts (no spill to disk at 1,000,000 moves) and
# without JIT compilation (it costs more than it saves here).
SESSION = "SET LOCAL work_mem = '256MB'; SET LOCAL jit = off"


def _finished(path: str, pairs: str) -> tuple[list[str], bool]:
    """A finished card's moves after its creation ("A>B") and whether it repeated a status."""
    statuses = path.split(",")
    return pairs.split(",")[1:], len(set(statuses)) < len(statuses)


def _params(process, wt, start: datetime, end: datetime, final, first_day, last_day) -> dict:
    clock = BusinessClock.of(wt, first_day, last_day)
    return {
        "process": process.pk,
        "start": start,
        "end": end,
        "final": sorted(final),
        "opens": clock.opens.tolist(),
        "spans": clock.spans.tolist(),
        "before": clock.before.tolist(),
    }


def _days(wt, start: datetime, end: datetime, now: datetime):
    first = (start - timedelta(days=HISTORY_GUESS_DAYS)).astimezone(wt.tz).date()
    return first, max(end, now).astimezone(wt.tz).date() + timedelta(days=1)


def figures(process, wt, start, end, final, *, now) -> dict:
    """The raw aggregates: {nodes, edges, rework, moved, variants, sequences}."""
    first_day, last_day = _days(wt, start, end, now)
    for _ in range(2):
        params = _params(process, wt, start, end, final, first_day, last_day)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SESSION)
            cursor.execute(FIGURES_SQL, params)
            (found,) = cursor.fetchone()
        low, high = found["span"]
        if low is None:
            break
        low_day = datetime.fromtimestamp(low, UTC).astimezone(wt.tz).date()
        high_day = datetime.fromtimestamp(high, UTC).astimezone(wt.tz).date()
        if first_day <= low_day and high_day <= last_day:
            break
        first_day, last_day = min(first_day, low_day), max(last_day, high_day)
    sequences = [[*_finished(path, pairs), k] for path, pairs, k in found["sequences"] or []]
    return {
        "nodes": found["nodes"] or [],
        "edges": found["edges"] or [],
        "variants": [[path.split(","), k, p50] for path, k, p50 in found["variants"] or []],
        "sequences": sequences,
        "rework": found["rework"],
        "moved": found["moved"],
    }


def cards(process, wt, start, end, final, *, now, kind: str, **args) -> list:
    """The rows behind one figure (CARDS_SQL[kind]); business time plays no part in them."""
    first_day, last_day = _days(wt, start, end, now)
    params = _params(process, wt, start, end, final, first_day, last_day) | args
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SESSION)
        cursor.execute(MOVES_CTE + CARDS_SQL[kind], params)
        rows = cursor.fetchall()
    if kind == "deviation":
        return [(card, *_finished(path, pairs)) for card, path, pairs in rows]
    return rows
