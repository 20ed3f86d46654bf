"""The process map's figures on SQLite (tests, small installs): the same aggregates as
flow/selectors/map_sql.py, folded in Python from one statement that orders the moves with window
functions (SQLite has no percentile aggregates nor arrays). The cards behind each figure come
with them."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db import connection

from flow.selectors.business_hours import as_utc, business_hours_between

MOVES_SQL = """
WITH moved AS (
    SELECT DISTINCT e.card_id FROM processes_event e
    JOIN processes_requestcard c ON c.id = e.card_id
    WHERE c.process_id = %(process)s AND e.kind IN ('created', 'transition')
        AND e.at >= %(start)s AND e.at < %(end)s
),
mv AS (
    SELECT e.card_id, e.id, e.at, e.from_status, e.to_status,
        LEAD(e.at) OVER w AS next_at,
        ROW_NUMBER() OVER w AS n,
        COUNT(*) OVER (PARTITION BY e.card_id, e.to_status ORDER BY e.at, e.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS visit_no
    FROM processes_event e JOIN moved m ON m.card_id = e.card_id
    WHERE e.kind IN ('created', 'transition')
    WINDOW w AS (PARTITION BY e.card_id ORDER BY e.at, e.id)
)
SELECT card_id, at, from_status, to_status, next_at, n, visit_no FROM mv
ORDER BY card_id, at, id
"""


def _pcts(values: list[float], levels) -> list[float] | None:
    return [float(np.percentile(values, p)) for p in levels] if values else None


def _rows(process, start, end) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            MOVES_SQL,
            {
                "process": process.pk,
                "start": connection.ops.adapt_datetimefield_value(start),
                "end": connection.ops.adapt_datetimefield_value(end),
            },
        )
        return cursor.fetchall()


def figures(process, wt, start, end, final, *, now) -> dict:
    """The aggregates of map_sql.figures, and `cards`: the cards behind each figure."""
    rows = _rows(process, start, end)
    stays = business_hours_between(wt, [r[1] for r in rows], [r[4] for r in rows])
    nodes = defaultdict(lambda: {"visits": 0, "hours": [], "repeats": 0, "cards": set()})
    edges = defaultdict(lambda: {"moves": 0, "hours": [], "cards": set()})
    rework, moved, paths, previous = set(), set(), {}, {}
    for (card_id, at, source, target, _, n, visit_no), stay in zip(rows, stays, strict=True):
        at = as_utc(at)
        paths.setdefault(card_id, []).append((source, target, at, visit_no, stay))
        if start <= at < end:
            moved.add(card_id)
            node = nodes[target]
            node["visits"] += 1
            node["cards"].add(card_id)
            if stay is not None:
                node["hours"].append(stay)
            if visit_no > 1:
                node["repeats"] += 1
                rework.add(card_id)
            if n > 1:
                edge = edges[(source, target)]
                edge["moves"] += 1
                edge["cards"].add(card_id)
                edge["hours"].append(previous[card_id])
        previous[card_id] = stay

    variants, sequences, finished = defaultdict(list), defaultdict(int), []
    for card_id, path in paths.items():
        last = path[-1]
        if not (last[1] in final and last[4] is None and start <= last[2] < end):
            continue
        pairs = tuple(f"{source}>{target}" for source, target, *_ in path[1:])
        repeated = any(step[3] > 1 for step in path)
        lead_days = (last[2] - path[0][2]).total_seconds() / 86400
        variants[tuple(step[1] for step in path)].append((card_id, lead_days))
        sequences[(pairs, repeated)] += 1
        finished.append((card_id, list(pairs), repeated))
    return {
        "nodes": [
            [s, v["visits"], _pcts(v["hours"], (50, 85)), sum(v["hours"]), v["repeats"]]
            for s, v in nodes.items()
        ],
        "edges": [[a, b, e["moves"], _pcts(e["hours"], (50, 85))] for (a, b), e in edges.items()],
        "variants": [
            [list(path), len(members), _pcts([d for _, d in members], (50,))[0]]
            for path, members in variants.items()
        ],
        "sequences": [[list(pairs), repeated, k] for (pairs, repeated), k in sequences.items()],
        "rework": len(rework),
        "moved": len(moved),
        "cards": {
            "status": {s: v["cards"] for s, v in nodes.items()},
            "move": {pair: e["cards"] for pair, e in edges.items()},
            "rework": rework,
            "variant": {path: {c for c, _ in members} for path, members in variants.items()},
            "deviation": finished,
        },
    }
