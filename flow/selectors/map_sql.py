"""The process map's figures on PostgreSQL, counted in the database (docs/design.md, "Metric
definitions", Map; the definitions are in flow/selectors/process_map.py).

The moves are read from the ledger of visits (flow/models.py, Visit; written by
flow/selectors/map_ledger.py, caught up first): each move already knows its rank in its card,
whether it repeats a status, the business time of the visit it began and of the one it ended,
and, for a card's latest move, the card's path. The map over a window is then one statement of
GROUP BYs over the window's rows — per status, per move, per finished card and per variant,
percentiles with `percentile_cont` (numpy's linear interpolation) — with no window function.
The cards behind one figure are read from the same rows when that figure is opened.
"""

from __future__ import annotations

from django.db import connection, transaction

from flow.selectors import map_ledger

IN_WINDOW = "process_id = %(process)s AND at >= %(start)s AND at < %(end)s"
LATEST = f"{IN_WINDOW} AND stay_seconds IS NULL AND to_status = ANY(%(final)s::text[])"

# Each part reads flow_visit directly (a CTE read by several parts would be copied first). The
# statuses and the moves are grouped in one pass over the index visit_status_move, in its order
# (per status: the visits; per status and source: the moves, n > 1). A card moved in the window
# is counted at its first move there (its previous move, if any, before the window).
FIGURES_SQL = f"""
SELECT json_build_object(
    'moves', (SELECT json_agg(json_build_array(to_status, from_status, per_status, visits,
            pcts, total, repeats, firsts, moves, left_pcts)) FROM (
        SELECT to_status, from_status, GROUPING(from_status) AS per_status, count(*) AS visits,
            percentile_cont(ARRAY[0.5, 0.85]::float8[])
                WITHIN GROUP (ORDER BY stay_seconds / 3600::float8) AS pcts,
            sum(stay_seconds / 3600::float8) AS total, count(*) FILTER (WHERE repeat) AS repeats,
            count(*) FILTER (WHERE prev_at IS NULL OR prev_at < %(start)s) AS firsts,
            count(*) FILTER (WHERE n > 1) AS moves,
            percentile_cont(ARRAY[0.5, 0.85]::float8[])
                WITHIN GROUP (ORDER BY left_seconds / 3600::float8) FILTER (WHERE n > 1)
                AS left_pcts
        FROM flow_visit WHERE {IN_WINDOW}
        GROUP BY GROUPING SETS ((to_status), (to_status, from_status))) a),
    'rework', (SELECT count(DISTINCT card_id) FROM flow_visit WHERE {IN_WINDOW} AND repeat),
    'finished', (SELECT json_agg(json_build_array(path, pairs, cards, p50)) FROM (
        SELECT path, CASE WHEN GROUPING(pairs) = 0 THEN pairs END AS pairs, count(*) AS cards,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_days) AS p50
        FROM flow_visit WHERE {LATEST} GROUP BY GROUPING SETS ((path), (path, pairs))) a)
)
"""

CARDS_SQL = {
    "status": f"SELECT DISTINCT card_id FROM flow_visit WHERE {IN_WINDOW} AND to_status = %(a)s",
    "move": f"SELECT DISTINCT card_id FROM flow_visit WHERE {IN_WINDOW} AND n > 1 "
    "AND from_status = %(a)s AND to_status = %(b)s",
    "rework": f"SELECT DISTINCT card_id FROM flow_visit WHERE {IN_WINDOW} AND repeat",
    "variant": f"SELECT card_id FROM flow_visit WHERE {LATEST} AND path = %(path)s",
    "deviation": f"SELECT card_id, path, pairs FROM flow_visit WHERE {LATEST}",
}


def _finished(path: str, pairs: str) -> tuple[list[str], bool]:
    """A finished card's moves after its creation ("A>B") and whether it repeated a status."""
    statuses = path.split(",")
    return pairs.split(",")[1:], len(set(statuses)) < len(statuses)


def _read(process, wt, sql: str, params: dict) -> list:
    map_ledger.catch_up(process, wt)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(map_ledger.SESSION)
        cursor.execute(sql, {"process": process.pk} | params)
        return cursor.fetchall()


def figures(process, wt, start, end, final, *, now) -> dict:
    """The raw aggregates: {nodes, edges, rework, moved, variants, sequences}."""
    ((found,),) = _read(
        process, wt, FIGURES_SQL, {"start": start, "end": end, "final": sorted(final)}
    )
    finished = found["finished"] or []
    sequences = [[*_finished(path, pairs), k] for path, pairs, k, _ in finished if pairs]
    moves = found["moves"] or []
    nodes = [row for row in moves if row[2]]
    return {
        "nodes": [[row[0], *row[3:7]] for row in nodes],
        "edges": [[row[1], row[0], row[8], row[9]] for row in moves if not row[2] and row[8]],
        "variants": [[path.split(","), k, p50] for path, pairs, k, p50 in finished if not pairs],
        "sequences": sequences,
        "rework": found["rework"],
        "moved": sum(row[7] for row in nodes),
    }


def cards(process, wt, start, end, final, *, now, kind: str, **args) -> list:
    """The rows behind one figure (CARDS_SQL[kind])."""
    params = {"start": start, "end": end, "final": sorted(final)} | args
    rows = _read(process, wt, CARDS_SQL[kind], params)
    if kind == "deviation":
        return [(card, *_finished(path, pairs)) for card, path, pairs in rows]
    return rows
