"""Handoff wait per status (docs/design.md, "Metric definitions", Handoffs): for the cards
handed to a stage role's queue (a `handoff` event with nobody assigned), the time from entering
the status until someone took the card (the first assignment to a person in that visit: a take
from the queue, or an assignment). Waits are counted in the week they end, per status; P50 and
P85 in days (calendar time, 4 decimals, linear interpolation as the other percentiles). A rule
that assigns at the handoff leaves no wait; a card moved on before anyone took it is not
counted. From the events alone: two queries whatever the number of cards."""

from __future__ import annotations

from datetime import datetime

from opmodel.percentiles import percentile
from processes.models import Event, EventKind

_KINDS = (EventKind.HANDOFF, EventKind.ASSIGNMENT, EventKind.TRANSITION)


def handoff_waits(*, process_id: int, start: datetime, end: datetime) -> dict[str, list[float]]:
    """{status: [wait in days, ...]} of the waits that ended in [start, end)."""
    ended = (
        Event.objects.filter(
            card__process_id=process_id, kind=EventKind.ASSIGNMENT, at__gte=start, at__lt=end
        )
        .values_list("card_id", flat=True)
        .distinct()
    )
    events = Event.objects.filter(card_id__in=ended, kind__in=_KINDS, at__lt=end).order_by(
        "card_id", "at", "id"
    )
    waits: dict[str, list[float]] = {}
    card, waiting = None, None  # waiting: (status, since) of the visit handed to a queue
    for card_id, kind, at, to_status, data in events.values_list(
        "card_id", "kind", "at", "to_status", "data"
    ):
        if card_id != card:
            card, waiting = card_id, None
        if kind == EventKind.TRANSITION:
            waiting = None
        elif kind == EventKind.HANDOFF:
            waiting = None if (data or {}).get("assigned") else (to_status, at)
        elif waiting is not None and (data or {}).get("new"):
            if at >= start:
                waits.setdefault(waiting[0], []).append((at - waiting[1]).total_seconds() / 86400)
            waiting = None
    return waits


def handoff_wait_figures(*, process_id: int, start: datetime, end: datetime) -> dict:
    """{"by_status": {status: {"count": n, "p50": days, "p85": days}}} for the week."""
    by_status = {}
    for status, values in sorted(
        handoff_waits(process_id=process_id, start=start, end=end).items()
    ):
        by_status[status] = {
            "count": len(values),
            "p50": round(percentile(values, 0.5), 4),
            "p85": round(percentile(values, 0.85), 4),
        }
    return {"by_status": by_status}
