"""The headline figures: each with this week's value, the previous week's and its twelve-week
trend, and the table of all of them over the twelve weeks."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import NamedTuple

from metrics import charts
from metrics.dashboards.cells import Cell, Table, cell, fmt, unit_of
from metrics.dashboards.week import WeekFigures


class Figure(NamedTuple):
    slug: str
    label: str
    path: str  # where its value sits in a snapshot's figures, e.g. "cycle_time.week.p85"
    kind: str  # its unit (metrics.catalogue.UNITS)
    metric: str  # the cards behind it
    key: str | None = None

    def value(self, figures: dict | None):
        if not figures:
            return None
        try:
            return reduce(operator.getitem, self.path.split("."), figures)
        except (KeyError, TypeError):
            return None  # a snapshot from before the figure existed


# Headline figures: this week, the previous week and the twelve-week trend
HEADLINES = [
    Figure("intake", "Intake", "intake.total", "cards", "intake"),
    Figure("throughput", "Throughput", "throughput.total", "cards", "throughput"),
    Figure("closed", "Closed", "throughput.closed", "cards", "won"),
    Figure("lost", "Lost", "throughput.lost", "cards", "lost"),
    Figure("wip", "WIP at the end of the week", "wip.total", "cards", "wip"),
    Figure(
        "cycle_p85", "Cycle time, 85th percentile (days)", "cycle_time.week.p85", "days",
        "cycle_time",
    ),
    Figure(
        "lead_p85", "Lead time, 85th percentile (days)", "lead_time.week.p85", "days",
        "cycle_time",
    ),
    Figure("age_p85", "Work item age, 85th percentile (days)", "work_item_age.p85", "days", "wip"),
    Figure("flow_efficiency", "Flow efficiency", "flow_efficiency.share", "share", "cycle_time"),
    Figure("blocked", "Cards blocked", "blocked.cards", "cards", "blocked"),
    Figure("blocked_days", "Blocked time (days)", "blocked.days", "days", "blocked"),
    Figure(
        "sla_breaches", "SLA deadlines passed (breaches)", "sla.breaches", "cards",
        "sla_breaches",
    ),
    Figure(
        "on_time", "On-time share of status visits ended", "sla.on_time_share", "share",
        "sla_visits",
    ),
    Figure(
        "unassigned", "Open cards without a responsible person", "ownership.unassigned_share",
        "share", "unassigned",
    ),
    Figure("win_rate", "Win rate", "win_rate.rate", "share", "finished"),
    Figure(
        "margin", "Average margin of cards agreed", "margin.average_margin_percent", "percent",
        "agreed",
    ),
    Figure(
        "under_floor", "Cards agreed under the margin floor", "margin.under_floor", "cards",
        "under_floor",
    ),
    Figure(
        "repeat", "Clients with repeat requests (30 days)", "repeat_requests.clients", "clients",
        "repeat_requests",
    ),
]  # fmt: skip


# Which way is better: 1 when a rise is good news, -1 when a fall is; absent: neither (more
# demand or more repeat clients is not better or worse flow by itself).
BETTER = {
    "throughput": 1, "closed": 1, "lost": -1, "wip": -1, "cycle_p85": -1, "lead_p85": -1,
    "age_p85": -1, "flow_efficiency": 1, "blocked": -1, "blocked_days": -1, "sla_breaches": -1,
    "on_time": 1, "unassigned": -1, "win_rate": 1, "margin": 1, "under_floor": -1,
}  # fmt: skip


@dataclass
class Change:
    """A headline's change from the previous week: an arrow, its colour and the words."""

    arrow: str  # ▲, ▼ or → (shown, hidden from screen readers)
    tone: str  # better, worse or neutral (the colour)
    text: str  # "up 3 from the previous week, better"


@dataclass
class Headline:
    slug: str
    label: str
    value: Cell
    previous: Cell
    trend: str
    change: Change | None = None


def change_of(slug: str, kind: str, value, previous) -> Change | None:
    """How the figure moved since the previous week, judged by the metric's direction."""
    if value is None or previous is None:
        return None
    delta = value - previous
    if abs(delta) < 1e-9:
        return Change("→", "neutral", "no change from the previous week")
    up = delta > 0
    amount = fmt(abs(delta), kind)
    if kind == "share":
        amount = f"{abs(delta) * 100:.0f} points"
    direction = BETTER.get(slug, 0)
    tone = "neutral" if not direction else ("better" if up == (direction > 0) else "worse")
    words = f"{'up' if up else 'down'} {amount} from the previous week"
    return Change("▲" if up else "▼", tone, words if tone == "neutral" else f"{words}, {tone}")


def headlines(w: WeekFigures) -> list[Headline]:
    out = []
    for h in HEADLINES:
        points = [
            charts.ChartPoint(
                label=s.week, value=h.value(s.figures), href=w.url(h.metric, h.key, s.week)
            )
            for s in w.snapshots
        ]
        before = w.url(h.metric, h.key, w.previous_week)
        out.append(
            Headline(
                slug=h.slug,
                label=h.label,
                value=cell(h.value(w.f), h.kind, w.url(h.metric, h.key)),
                previous=cell(h.value(w.p), h.kind, before),
                trend=charts.run_chart(
                    points,
                    title=f"{h.label}: last {len(points)} weeks",
                    y_label=unit_of(h.kind),
                    percent=h.kind == "share",
                    compact=True,
                ),
                change=change_of(h.slug, h.kind, h.value(w.f), h.value(w.p)),
            )
        )
    return out


def trend_table(w: WeekFigures) -> Table:
    weeks = [s.week for s in w.snapshots]
    rows = []
    for h in HEADLINES:
        row = [Cell(h.label)]
        for s in w.snapshots:
            row.append(cell(h.value(s.figures), h.kind, w.url(h.metric, h.key, s.week)))
        rows.append(row)
    return Table("trend", "Figures over the last 12 weeks", ["Figure", *weeks], rows)
