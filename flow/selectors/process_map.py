"""The process map, designed vs actual (docs/design.md, "Metric definitions", Map): the designed
statuses and moves overlaid with what the event history says happened in a window of local days.

The moves (created and transition events) of every card that moved in the window are ordered by
the metrics' tie rule (time, then id), each paired with the card's next move (the end of the
visit it began) and told whether the card had been in its target status before (rework). On
PostgreSQL the counts, business-time percentiles, variants and conformance are grouped in the
database over a ledger of visits kept from the events (flow/selectors/map_sql.py and
map_ledger.py); on SQLite the same aggregates are folded in Python
(flow/selectors/map_python.py). The cards behind a figure are read when that figure is opened
(`cards_behind`), not with the map.

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
- Percentiles interpolate linearly between ranks (numpy's default, PostgreSQL's
  percentile_cont).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from flow.selectors import map_python, map_sql
from flow.selectors.problems import blocks_and_breaches, problem_areas
from processes.calendars import working_time_for
from processes.models import Status, Transition

VARIANTS_SHOWN = 10
# The kinds of deviation from the design a finished card's path can show.
DEVIATIONS = ("undesigned", "skipped", "repeated")


@dataclass(frozen=True)
class Design:
    statuses: list[tuple[str, bool, int]]  # (slug, final, order) in order
    designed: set[tuple[str, str]]
    known_kinds: dict = field(default_factory=dict, compare=False)

    @property
    def final(self) -> set[str]:
        return {slug for slug, is_final, _ in self.statuses if is_final}

    def deviation(self, source: str, target: str) -> str | None:
        """None for a designed move, else "skipped" (forward over a non-final status into a
        non-final one) or "undesigned"."""
        if (source, target) in self.designed:
            return None
        if (source, target) in self.known_kinds:
            return self.known_kinds[(source, target)]
        rank = {slug: k for k, (slug, _, _) in enumerate(self.statuses)}
        jumped = [
            slug
            for slug, is_final, _ in self.statuses
            if not is_final and rank.get(source, -1) < rank[slug] < rank.get(target, -1)
        ]
        kind = "skipped" if jumped and target not in self.final else "undesigned"
        self.known_kinds[(source, target)] = kind
        return kind

    @classmethod
    def of(cls, process) -> Design:
        statuses = list(
            Status.objects.filter(process=process)
            .order_by("order", "id")
            .values_list("slug", "final", "order")
        )
        designed = {
            (source, target)
            for source, target in Transition.objects.filter(process=process).values_list(
                "sources__slug", "target__slug"
            )
            if source
        }
        return cls(statuses, designed)


def window_bounds(process, first: date, last_excluded: date) -> tuple[datetime, datetime]:
    zone = working_time_for(process).tz
    return (
        datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC),
        datetime.combine(last_excluded, time(0), tzinfo=zone).astimezone(UTC),
    )


def _backend():
    return map_sql if connection.vendor == "postgresql" else map_python


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _deviations(design: Design, pairs: list[str], repeated: bool) -> set[str]:
    kinds = {"repeated"} if repeated else set()
    for pair in pairs:
        source, _, target = pair.partition(">")
        if kind := design.deviation(source, target):
            kinds.add(kind)
    return kinds


def _ranked_variants(raw: dict) -> list:
    return sorted(raw["variants"], key=lambda v: (-v[1], tuple(v[0])))[:VARIANTS_SHOWN]


def process_map(process, *, first: date, last_excluded: date, now=None) -> dict:
    """The map over the local days [first, last_excluded); see the module's docstring."""
    now = now or timezone.now()
    wt = working_time_for(process)
    start, end = window_bounds(process, first, last_excluded)
    design = Design.of(process)
    raw = _backend().figures(process, wt, start, end, design.final, now=now)
    wip = _wip(process, design.final)
    nodes = {row[0]: row for row in raw["nodes"]}
    edges = {(row[0], row[1]): row for row in raw["edges"]}
    finished = sum(cards for _, _, cards in raw["sequences"])
    deviations = dict.fromkeys(DEVIATIONS, 0)
    conforming = 0
    for pairs, repeated, cards in raw["sequences"]:
        kinds = _deviations(design, pairs, repeated)
        conforming += 0 if kinds else cards
        for kind in kinds:
            deviations[kind] += cards

    def pct(row, k):
        return _round(row[k[0]][k[1]]) if row and row[k[0]] else None

    the_map = {
        "window": {"from": first.isoformat(), "to": last_excluded.isoformat()},
        "nodes": [
            {
                "status": slug,
                "final": is_final,
                "visits": nodes[slug][1] if slug in nodes else 0,
                "p50_hours": pct(nodes.get(slug), (2, 0)),
                "p85_hours": pct(nodes.get(slug), (2, 1)),
                "wip_now": wip.get(slug, 0),
                "hours_total": _round(nodes[slug][3] or 0.0) if slug in nodes else 0.0,
                "repeat_visits": nodes[slug][4] if slug in nodes else 0,
            }
            for slug, is_final, _ in design.statuses
        ],
        "edges": [
            {
                "from": source,
                "to": target,
                "count": edges[(source, target)][2] if (source, target) in edges else 0,
                "designed": (source, target) in design.designed,
                "p50_hours": pct(edges.get((source, target)), (3, 0)),
                "p85_hours": pct(edges.get((source, target)), (3, 1)),
            }
            for source, target in _edge_order(design, set(edges))
        ],
        "variants": [
            {
                "path": list(path),
                "cards": cards,
                "share": round(cards / finished, 4),
                "p50_lead_days": _round(p50),
            }
            for path, cards, p50 in _ranked_variants(raw)
        ],
        "rework": {
            "cards": raw["rework"],
            "share": round(raw["rework"] / raw["moved"], 4) if raw["moved"] else None,
        },
        "conformance": {
            "finished": finished,
            "conforming": conforming,
            "rate": round(conforming / finished, 4) if finished else None,
            "deviations": deviations,
        },
    }
    the_map["problems"] = problem_areas(
        the_map["nodes"], blocks_and_breaches(process, wt, start, end)
    )
    return the_map


def _edge_order(design: Design, used: set) -> list[tuple[str, str]]:
    rank = {slug: k for k, (slug, _, _) in enumerate(design.statuses)}
    return sorted(design.designed | used, key=lambda p: (rank.get(p[0], 99), rank.get(p[1], 99)))


def _wip(process, final: set[str]) -> dict[str, int]:
    return dict(
        process.cards.exclude(status__in=final)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def cards_behind(
    process, params, *, first: date, last_excluded: date, now=None
) -> tuple[str, list[int]] | None:
    """The cards behind one figure of the map over the window, chosen by the page's link:
    ?status=S, ?move=A>B, ?variant=K, ?rework=1, ?deviation=KIND, ?blocked=S or ?breached=S
    (the problem areas' blocks and breaches in status S), as `check_figure` (flow/api/maps.py)
    gives them: the variant an integer, from 0. None for a choice that names nothing. Only
    that figure's cards are read."""
    now = now or timezone.now()
    wt = working_time_for(process)
    start, end = window_bounds(process, first, last_excluded)
    design = Design.of(process)
    backend = _backend()
    known = {slug for slug, _, _ in design.statuses}

    def read(kind, key=None, **args):
        if backend is map_sql:
            rows = map_sql.cards(process, wt, start, end, design.final, now=now, kind=kind, **args)
            return rows if kind == "deviation" else {row[0] for row in rows}
        found = map_python.figures(process, wt, start, end, design.final, now=now)["cards"][kind]
        return found if key is None else found.get(key, set())

    if status := params.get("status"):
        if status not in known:
            return None
        return f"Visits to {status}", sorted(read("status", status, a=status))
    if move := params.get("move"):
        source, _, target = move.partition(">")
        ids = read("move", (source, target), a=source, b=target)
        if not ids and (source, target) not in design.designed:
            return None
        return f"Moves {source} → {target}", sorted(ids)
    if (variant := params.get("variant")) is not None:
        ranked = _ranked_variants(backend.figures(process, wt, start, end, design.final, now=now))
        if not 0 <= variant < len(ranked):
            return None
        path = list(ranked[variant][0])
        ids = read("variant", tuple(path), path=",".join(path))
        return "Path " + " → ".join(path), sorted(ids)
    for kind, title in (("blocked", "Blocked in"), ("breached", "Past the SLA in")):
        if status := params.get(kind):
            found = blocks_and_breaches(process, wt, start, end).get(status)
            if status not in known:
                return None
            return f"{title} {status}", sorted(found[f"{kind}_cards"]) if found else []
    if params.get("rework"):
        return "Rework: cards back in a status they had left", sorted(read("rework"))
    if (kind := params.get("deviation")) in DEVIATIONS:
        rows = read("deviation")
        ids = [card for card, pairs, rep in rows if kind in _deviations(design, pairs, rep)]
        return f"Deviation: {kind}", sorted(ids)
    return None
