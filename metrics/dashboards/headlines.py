"""The headline figures: each with this week's value, the previous week's and its twelve-week
trend, and the table of all of them over the twelve weeks."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import NamedTuple

from metrics import charts
from metrics.catalogue import FIGURES, headline_metrics
from metrics.catalogue import HEADLINES as HEADLINE_KEYS
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


# Headline figures: this week, the previous week and the twelve-week trend; each one's label,
# unit, drill-down and direction are the catalogue's (metrics/catalogue.py).
HEADLINES = [
    Figure(slug, metric.titled, metric.figure, metric.unit, metric.cards)
    for slug, metric in headline_metrics()
]


def direction_of(slug: str) -> int:
    """1 when a rise of the headline is good news, -1 when a fall is, 0 when neither."""
    key = HEADLINE_KEYS.get(slug)
    return FIGURES[key].direction if key else 0


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
    direction = direction_of(slug)
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
