"""The process map, designed vs actual (docs/design.md, "Metric definitions", Map): the designed
statuses and moves overlaid with what the event history says happened in a window of local days.

One SQL statement reads the moves (created and transition events) of every card that moved in
the window, ordered by the metrics' tie rule (time, then id) with window functions, each paired
with the card's next move (the end of the visit it began) and told whether the card had been in
its target status before (rework). The fold into counts, business-time percentiles, variants and
conformance is a single pass over those rows.

- A move belongs to the window when its event's time falls in [from, to) local days.
- A visit to a status begins with a move into it; its time is the business time until the
  card's next move (an open visit has none yet and counts no time). A move's time is the time
  the card spent in the status it left.
- Rework: a move into a status the card had left before.
- Finished: a card whose latest move went into a final status, finished in the window; its
  path is its statuses from creation; a variant is a distinct path.
- Conformance: finished cards whose every move is designed and none repeats a status;
  deviations count the cards with an undesigned move, a skipped status (an undesigned move
  forward over a non-final status) or a repeated status.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import numpy as np
from django.db import connection
from django.db.models import Count

from flow.selectors.business_hours import as_utc, business_hours_between
from flow.selectors.problems import blocks_and_breaches, problem_areas
from processes.calendars import working_time_for
from processes.models import Status, Transition

VARIANTS_SHOWN = 10

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


def _pct(values: list[float], p: int) -> float | None:
    return round(float(np.percentile(values, p)), 2) if values else None


@dataclass
class _Tally:
    count: int = 0
    hours: list[float] = field(default_factory=list)
    cards: set[int] = field(default_factory=set)


def window_bounds(process, first: date, last_excluded: date) -> tuple[datetime, datetime]:
    zone = working_time_for(process).tz
    return (
        datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC),
        datetime.combine(last_excluded, time(0), tzinfo=zone).astimezone(UTC),
    )


def process_map(process, *, first: date, last_excluded: date) -> dict:
    """The map over the local days [first, last_excluded); see the module's docstring."""
    wt = working_time_for(process)
    start, end = window_bounds(process, first, last_excluded)
    statuses = list(
        Status.objects.filter(process=process)
        .order_by("order", "id")
        .values_list("slug", "final", "order")
    )
    final = {slug for slug, is_final, _ in statuses if is_final}
    rank = {slug: k for k, (slug, _, _) in enumerate(statuses)}
    designed = {
        (source, target)
        for source, target in Transition.objects.filter(process=process).values_list(
            "sources__slug", "target__slug"
        )
        if source
    }
    wip = _wip(process, final)

    nodes: dict[str, _Tally] = defaultdict(_Tally)
    edges: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    rework_cards: set[int] = set()
    moved_cards: set[int] = set()
    paths: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            MOVES_SQL,
            {
                "process": process.pk,
                "start": connection.ops.adapt_datetimefield_value(start),
                "end": connection.ops.adapt_datetimefield_value(end),
            },
        )
        rows = cursor.fetchall()

    previous_hours: dict[int, float | None] = {}
    repeats: dict[str, int] = {}
    stays = _business_hours(wt, rows)
    for (card_id, at, source, target, _, n, visit_no), stay in zip(rows, stays, strict=True):
        at = as_utc(at)
        path = paths.setdefault(card_id, [])
        path.append((source, target, at, visit_no))
        in_window = start <= at < end
        if in_window:
            moved_cards.add(card_id)
            node = nodes[target]
            node.count += 1
            node.cards.add(card_id)
            if stay is not None:
                node.hours.append(stay)
            if n > 1:
                edge = edges[(source, target)]
                edge.count += 1
                edge.cards.add(card_id)
                if previous_hours.get(card_id) is not None:
                    edge.hours.append(previous_hours[card_id])
            if visit_no > 1:
                rework_cards.add(card_id)
                repeats[target] = repeats.get(target, 0) + 1
        previous_hours[card_id] = stay

    finished = {
        card_id: path
        for card_id, path in paths.items()
        if path[-1][1] in final and start <= path[-1][2] < end
    }
    deviations = {"undesigned": set(), "skipped": set(), "repeated": set()}
    variants: dict[tuple[str, ...], list] = defaultdict(list)
    for card_id, path in finished.items():
        for k, (source, target, _, visit_no) in enumerate(path):
            if visit_no > 1:
                deviations["repeated"].add(card_id)
            if k == 0 or (source, target) in designed:
                continue
            jumped = [
                slug
                for slug, is_final, _ in statuses
                if not is_final and rank.get(source, -1) < rank[slug] < rank.get(target, -1)
            ]
            kind = "skipped" if jumped and target not in final else "undesigned"
            deviations[kind].add(card_id)
        lead_days = (path[-1][2] - path[0][2]).total_seconds() / 86400
        variants[tuple(step[1] for step in path)].append((card_id, lead_days))
    deviating = set().union(*deviations.values())
    conforming = [card for card in finished if card not in deviating]

    ranked_variants = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    the_map = {
        "window": {"from": first.isoformat(), "to": last_excluded.isoformat()},
        "nodes": [
            {
                "status": slug,
                "final": is_final,
                "visits": nodes[slug].count,
                "p50_hours": _pct(nodes[slug].hours, 50),
                "p85_hours": _pct(nodes[slug].hours, 85),
                "wip_now": wip.get(slug, 0),
                "hours_total": round(sum(nodes[slug].hours), 2),
                "repeat_visits": repeats.get(slug, 0),
                "cards": sorted(nodes[slug].cards),
            }
            for slug, is_final, _ in statuses
        ],
        "edges": [
            {
                "from": source,
                "to": target,
                "count": tally.count,
                "designed": (source, target) in designed,
                "p50_hours": _pct(tally.hours, 50),
                "p85_hours": _pct(tally.hours, 85),
                "cards": sorted(tally.cards),
            }
            for (source, target), tally in sorted(
                {**{pair: _Tally() for pair in designed}, **edges}.items(),
                key=lambda kv: (rank.get(kv[0][0], 99), rank.get(kv[0][1], 99)),
            )
        ],
        "variants": [
            {
                "path": list(path),
                "cards": len(members),
                "share": round(len(members) / len(finished), 4),
                "p50_lead_days": round(float(np.percentile([d for _, d in members], 50)), 2),
                "card_ids": sorted(card for card, _ in members),
            }
            for path, members in ranked_variants[:VARIANTS_SHOWN]
        ],
        "rework": {
            "cards": len(rework_cards),
            "share": round(len(rework_cards) / len(moved_cards), 4) if moved_cards else None,
            "card_ids": sorted(rework_cards),
        },
        "conformance": {
            "finished": len(finished),
            "conforming": len(conforming),
            "rate": round(len(conforming) / len(finished), 4) if finished else None,
            "deviations": {kind: len(cards) for kind, cards in deviations.items()},
            "deviating_cards": {kind: sorted(cards) for kind, cards in deviations.items()},
        },
    }
    the_map["problems"] = problem_areas(
        the_map["nodes"], blocks_and_breaches(process, wt, start, end)
    )
    return the_map


def _business_hours(wt, rows) -> list[float | None]:
    """Business hours from each move to the card's next (None for the last)."""
    return business_hours_between(wt, [r[1] for r in rows], [r[4] for r in rows])


def _wip(process, final: set[str]) -> dict[str, int]:
    return dict(
        process.cards.exclude(status__in=final)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def cards_behind(the_map: dict, params) -> tuple[str, list[int]] | None:
    """The cards behind one figure of the map, chosen by the page's link: ?status=S,
    ?move=A>B, ?variant=K, ?rework=1, ?deviation=KIND, ?blocked=S or ?breached=S (the problem
    areas' blocks and breaches in status S). None for a choice that names nothing."""
    if status := params.get("status"):
        node = next((n for n in the_map["nodes"] if n["status"] == status), None)
        return (f"Visits to {status}", node["cards"]) if node else None
    if move := params.get("move"):
        source, _, target = move.partition(">")
        edge = next(
            (e for e in the_map["edges"] if e["from"] == source and e["to"] == target), None
        )
        return (f"Moves {source} → {target}", edge["cards"]) if edge else None
    if (variant := params.get("variant", "")).isdigit():
        k = int(variant)
        if k < len(the_map["variants"]):
            path = the_map["variants"][k]
            return ("Path " + " → ".join(path["path"]), path["card_ids"])
        return None
    for kind, title in (("blocked", "Blocked in"), ("breached", "Past the SLA in")):
        if status := params.get(kind):
            row = next((r for r in the_map["problems"] if r["status"] == status), None)
            return (f"{title} {status}", row[f"{kind}_cards"]) if row else None
    if params.get("rework"):
        return ("Rework: cards back in a status they had left", the_map["rework"]["card_ids"])
    if (kind := params.get("deviation")) in the_map["conformance"]["deviating_cards"]:
        return (f"Deviation: {kind}", the_map["conformance"]["deviating_cards"][kind])
    return None
