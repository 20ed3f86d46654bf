"""The map's problem areas (docs/design.md, "Metric definitions", Map): per status, where time
is lost in the map's window, worst first, each figure with the cards behind it.

- Waiting: the business hours of the visits to the status that began in the window and have
  ended (the map's `hours_total`), and its P85; repeated visits (rework) beside.
- Blocks: blocks begun in the window while the card was in the status (its latest move at or
  before the block, by time then id, the metrics' tie rule); blocked hours are business hours
  from the block to its unblock (a block still on counts no time yet, as an open visit).
- Breaches: visits to the status ended in the window past their SLA deadline, as the move that
  ended them recorded it (`data.sla.breached` of the transition event).

Ranked by the hours spent (blocked time is part of them), then breaches, blocks and repeated
visits. Two queries, whatever the window.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery

from flow.selectors.business_hours import business_hours_between
from processes.models import Event, EventKind

MOVES = (EventKind.CREATED, EventKind.TRANSITION)


def blocks_and_breaches(process, wt, start, end) -> dict[str, dict]:
    """{status: {blocks, blocked_hours, blocked_cards, breaches, breached_cards}} over [start,
    end); see the module's docstring."""
    in_status = (
        Event.objects.filter(card_id=OuterRef("card_id"), kind__in=MOVES)
        .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id")))
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    unblocked = (
        Event.objects.filter(card_id=OuterRef("card_id"), kind=EventKind.UNBLOCK)
        .filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id")))
        .order_by("at", "id")
        .values("at")[:1]
    )
    blocks = list(
        Event.objects.filter(card__process=process, kind=EventKind.BLOCK, at__gte=start, at__lt=end)
        .annotate(in_status=Subquery(in_status), unblocked_at=Subquery(unblocked))
        .order_by("at", "id")
        .values_list("card_id", "in_status", "at", "unblocked_at")
    )
    hours = business_hours_between(wt, [b[2] for b in blocks], [b[3] for b in blocks])
    stats: dict[str, dict] = defaultdict(
        lambda: {
            "blocks": 0,
            "blocked_hours": 0.0,
            "blocked_cards": set(),
            "breaches": 0,
            "breached_cards": set(),
        }
    )
    for (card_id, status, _, _), spent in zip(blocks, hours, strict=True):
        row = stats[status or ""]
        row["blocks"] += 1
        row["blocked_hours"] += spent or 0.0
        row["blocked_cards"].add(card_id)
    breaches = Event.objects.filter(
        card__process=process,
        kind=EventKind.TRANSITION,
        at__gte=start,
        at__lt=end,
        data__sla__breached=True,
    ).values_list("card_id", "from_status")
    for card_id, status in breaches:
        stats[status]["breaches"] += 1
        stats[status]["breached_cards"].add(card_id)
    return stats


def problem_areas(nodes: list[dict], stats: dict[str, dict]) -> list[dict]:
    """The statuses where time was lost, worst first; see the module's docstring."""
    rows = []
    for node in nodes:
        found = stats.get(node["status"], {})
        row = {
            "status": node["status"],
            "hours_total": node["hours_total"],
            "p85_hours": node["p85_hours"],
            "repeat_visits": node["repeat_visits"],
            "blocks": found.get("blocks", 0),
            "blocked_hours": round(found.get("blocked_hours", 0.0), 2),
            "breaches": found.get("breaches", 0),
            "blocked_cards": sorted(found.get("blocked_cards", ())),
            "breached_cards": sorted(found.get("breached_cards", ())),
        }
        if row["hours_total"] or row["repeat_visits"] or row["blocks"] or row["breaches"]:
            rows.append(row)
    return sorted(
        rows,
        key=lambda r: (
            -r["hours_total"],
            -r["breaches"],
            -r["blocks"],
            -r["repeat_visits"],
            r["status"],
        ),
    )
