"""The weekly promise figures (docs/design.md, "Metric definitions", Promise), from the card
events alone, so that a recount from the history gives the same numbers:

- shipped: promised cards whose shipment (`promise_outcome` event) fell in the week, the last
  one of a card counting; kept / missed by the event's outcome;
- on time in full: of those, the ones kept with every line in full (`in_full`: no line short at
  shipment), count and share of shipped;
- at risk: cards whose latest promise event at the week's end (or now, for the week in progress)
  is `promise_at_risk` (a spell the scan announced and has not ended), not shipped or finished
  since;
- days late of missed promises: shipped day minus promised day (calendar days) of the missed
  ones, 50th and 85th percentiles by linear interpolation.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.db.models import Q
from django.utils import timezone

from metrics.weeks import iso_week_bounds
from processes.models import Event, EventKind, Status

RISK_KINDS = (EventKind.PROMISE_AT_RISK, EventKind.PROMISE_ON_TRACK, EventKind.PROMISE_OUTCOME)


def _pct(values: list[int], p: int) -> float | None:
    return round(float(np.percentile(values, p)), 1) if values else None


def promise_weekly_figures(*, process, week: str, now: datetime | None = None) -> dict:
    """One week's promise figures of a process (three queries)."""
    now = now or timezone.now()
    start, end = iso_week_bounds(process, week)
    point = min(end, now)
    outcomes: dict[int, dict] = {}
    for card_id, data in (
        Event.objects.filter(
            card__process=process, kind=EventKind.PROMISE_OUTCOME, at__gte=start, at__lt=point
        )
        .order_by("at", "id")
        .values_list("card_id", "data")
    ):
        outcomes[card_id] = data  # the card's last shipment in the week counts
    kept = [d for d in outcomes.values() if d.get("outcome") == "kept"]
    missed = [d for d in outcomes.values() if d.get("outcome") == "missed"]
    in_full = [d for d in kept if d.get("in_full", True)]
    late_days = [int(d.get("days_late") or 0) for d in missed]
    return {
        "shipped": len(outcomes),
        "kept": len(kept),
        "missed": len(missed),
        "on_time_in_full": len(in_full),
        "on_time_in_full_share": (round(len(in_full) / len(outcomes), 4) if outcomes else None),
        "at_risk": len(_at_risk_cards(process, point)),
        "days_late": {
            "count": len(late_days),
            "p50": _pct(late_days, 50),
            "p85": _pct(late_days, 85),
        },
    }


def _at_risk_cards(process, point: datetime) -> list[int]:
    """The cards at risk at `point`: the latest of their promise events and moves into a final
    status is a spell's start. Only cards that were ever announced at risk are read."""
    finals = Status.objects.filter(process=process, final=True).values("slug")
    ever = Event.objects.filter(
        card__process=process, kind=EventKind.PROMISE_AT_RISK, at__lt=point
    ).values("card_id")
    rows = (
        Event.objects.filter(card_id__in=ever, at__lt=point)
        .filter(Q(kind__in=RISK_KINDS) | Q(kind=EventKind.TRANSITION, to_status__in=finals))
        .order_by("card_id", "at", "id")
        .values_list("card_id", "kind")
    )
    latest: dict[int, str] = {}
    for card_id, kind in rows:
        latest[card_id] = kind
    return sorted(c for c, kind in latest.items() if kind == EventKind.PROMISE_AT_RISK)


def promise_cards(*, process, week: str, now: datetime | None = None) -> dict[str, list[int]]:
    """The cards behind the figures: {"missed": ids, "at_risk": ids} (the dashboard links them)."""
    now = now or timezone.now()
    start, end = iso_week_bounds(process, week)
    point = min(end, now)
    missed = {
        card_id: data
        for card_id, data in Event.objects.filter(
            card__process=process, kind=EventKind.PROMISE_OUTCOME, at__gte=start, at__lt=point
        )
        .order_by("at", "id")
        .values_list("card_id", "data")
    }
    return {
        "missed": sorted(c for c, d in missed.items() if d.get("outcome") == "missed"),
        "at_risk": _at_risk_cards(process, point),
    }
