"""What a dashboard table is made of: cells that carry their text, their link to the cards
behind them and the value a CSV gets; how a figure reads as text."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from opmodel.formatting import figure_text


def cards_url(process, week: str, metric: str, key=None) -> str:
    params = {"process": process.slug, "week": week, "metric": metric}
    if key not in (None, ""):
        params["key"] = key
    return f"{reverse('weekly-cards')}?{urlencode(params)}"


def fmt(value, kind: str = "cards") -> str:
    """A figure in a table or a headline, whose column or label names the unit."""
    return figure_text(value, kind, bare=True)


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


def cell(value, kind="cards", href=None) -> Cell:
    return Cell(fmt(value, kind), href, value)
