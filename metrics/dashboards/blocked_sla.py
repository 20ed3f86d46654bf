"""Where flow stops and runs late: blocked time by reason, SLA breaches by status."""

from __future__ import annotations

from metrics.dashboards.cells import Cell, Table, cell
from metrics.dashboards.week import WeekFigures
from metrics.flow.definitions import share


def _hours(days: float) -> float:
    return round(days * 24, 1)


def blocked(w: WeekFigures) -> Table:
    b = w.f["blocked"]
    prev = {r["reason"]: r for r in w.p.get("blocked", {}).get("reasons", [])}
    rows = [
        [
            Cell(w.reason(r["reason"])),
            cell(r["cards"], href=w.url("blocked", r["reason"])),
            cell(_hours(r["days"]), "days", w.url("blocked", r["reason"])),
            cell(
                _hours(prev.get(r["reason"], {}).get("days", 0)),
                "days",
                w.url("blocked", r["reason"], w.previous_week),
            ),
        ]
        for r in b["reasons"]
    ]
    chart = w.bars(
        [(r["reason"], r) for r in b["reasons"]],
        w.reason,
        lambda r: _hours(r["days"]),
        "blocked",
        title="Blocked hours by reason",
        value_label="hours",
    )
    return Table(
        "blocked",
        "Blocked reasons",
        ["Reason", "Cards", "Blocked hours", "Hours, previous week"],
        rows,
        chart,
        f"{b['cards']} card(s) blocked at some time in the week.",
    )


def sla(w: WeekFigures) -> Table:
    by, prev = w.f["sla"]["by_status"], w.p.get("sla", {}).get("by_status", {})
    rows = [
        [
            Cell(w.status(slug)),
            cell(v["breaches"], href=w.url("sla_breaches", slug)),
            cell(v["visits"], href=w.url("sla_visits", slug)),
            cell(v.get("ended_late", 0), href=w.url("sla_ended_late", slug)),
            cell(
                share(v["visits"] - v.get("ended_late", 0), v["visits"]),
                "share",
                w.url("sla_visits", slug),
            ),
            w.before(prev, slug, "breaches", "cards", "sla_breaches"),
        ]
        for slug, v in w.in_order(by)
    ]
    chart = w.bars(
        w.in_order(by),
        w.status,
        lambda v: v["breaches"],
        "sla_breaches",
        title="SLA deadlines passed by status",
        value_label="deadlines passed",
    )
    return Table(
        "sla",
        "SLA breaches by status",
        [
            "Status",
            "Deadlines passed (breaches)",
            "Visits ended",
            "Visits ended late",
            "Ended on time",
            "Breaches, previous week",
        ],
        rows,
        chart,
        "A breach counts in the week its deadline passes, whether the card has moved or not; "
        "visits ended late count in the week the card left the status. The links list the "
        "cards (a card may have several visits).",
    )


def handoff_wait(w: WeekFigures) -> Table:
    """Waits for pick-up of the cards handed to a stage role (metrics/flow/handoffs.py)."""
    by = w.f.get("handoff_wait", {}).get("by_status", {})
    prev = w.p.get("handoff_wait", {}).get("by_status", {})
    rows = [
        [
            Cell(w.status(slug)),
            cell(v["count"]),
            cell(_hours(v["p50"]), "days"),
            cell(_hours(v["p85"]), "days"),
            cell(_hours(prev[slug]["p85"]) if slug in prev else None, "days"),
        ]
        for slug, v in w.in_order(by)
    ]
    return Table(
        "handoff_wait",
        "Handoff wait by status (hours until someone takes the card)",
        ["Status", "Waits ended", "50th percentile", "85th percentile", "85th, previous week"],
        rows,
        "",
        "From entering a status executed by a stage role (warehouse, finance) until one of its "
        "members takes the card, for the waits that ended in the week.",
    )
