"""What a dashboard table is made of: cells that carry their text, their link to the cards
behind them and the value a CSV gets; how a figure reads as text."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from metrics.charts.labels import share_text
from opmodel.rounding import percent_round
from processes.formatting import percent_text

NONE = "—"


def cards_url(process, week: str, metric: str, key=None) -> str:
    params = {"process": process.slug, "week": week, "metric": metric}
    if key not in (None, ""):
        params["key"] = key
    return f"{reverse('weekly-cards')}?{urlencode(params)}"


def fmt(value, kind: str = "count") -> str:
    """A figure in a table or a headline: shares as whole percents, days with one decimal."""
    if value is None:
        return NONE
    if kind == "share":
        return share_text(value)
    if kind == "days":
        return f"{value:.1f}"
    if kind == "percent":
        # As the card writes a percentage (two decimals, halves away from zero): one rule.
        return percent_text(percent_round(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def unit_of(kind: str) -> str:
    return {"days": "days", "share": "share", "percent": "%"}.get(kind, "cards")


@dataclass
class Cell:
    text: str
    href: str | None = None
    raw: object = None  # the value a CSV gets

    @property
    def csv(self):
        if self.raw is not None:
            return self.raw
        # A spreadsheet would run text starting with these as a formula (client names are
        # typed by people).
        return "'" + self.text if self.text[:1] in ("=", "+", "-", "@") else self.text


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: str = ""
    note: str = ""


def cell(value, kind="count", href=None) -> Cell:
    return Cell(fmt(value, kind), href, value)
