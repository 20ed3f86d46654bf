"""How much flows: throughput per week and the cumulative flow of the twelve weeks."""

from __future__ import annotations

from datetime import date

from metrics import charts
from metrics.dashboards.cells import Cell, Table, cell
from metrics.dashboards.week import WeekFigures
from opmodel.formatting import day_text


def throughput(w: WeekFigures) -> Table:
    rows, points = [], []
    for s in w.snapshots:
        t = s.figures.get("throughput", {})
        rows.append(
            [
                Cell(s.week),
                cell(s.figures.get("intake", {}).get("total"), href=w.url("intake", None, s.week)),
                cell(t.get("closed"), href=w.url("won", None, s.week)),
                cell(t.get("lost"), href=w.url("lost", None, s.week)),
                cell(t.get("total"), href=w.url("throughput", None, s.week)),
            ]
        )
        points.append(charts.ChartPoint(s.week, t.get("total"), w.url("throughput", None, s.week)))
    chart = charts.run_chart(points, title="Throughput per week", y_label="cards")
    return Table(
        "throughput",
        "Throughput",
        ["Week", "Intake", "Closed", "Lost", "Finished"],
        rows,
        chart,
    )


def cumulative_flow(w: WeekFigures) -> Table:
    days: list[date] = []
    series: dict[str, list] = {slug: [] for slug, _, _ in w.statuses}
    for s in w.snapshots:
        cfd = s.figures.get("cumulative_flow", {})
        days += [date.fromisoformat(d) for d in cfd.get("days", [])]
        for slug in series:
            missing = [None] * len(cfd.get("days", []))
            series[slug] += cfd.get("by_status", {}).get(slug) or missing
    chart = charts.stacked_area(
        days,
        [
            charts.Series(w.status(slug), values, w.url("cumulative_flow", slug))
            for slug, values in series.items()
        ],
        title="Cumulative flow, last 12 weeks",
    )
    this = w.f.get("cumulative_flow", {})
    rows = []
    for i, day in enumerate(this.get("days", [])):
        # The page writes the day as every page does; the CSV keeps its ISO form.
        shown = date.fromisoformat(day)
        row = [Cell(f"{shown:%a}, {day_text(shown)}", raw=day)]
        for slug in series:
            values = this.get("by_status", {}).get(slug) or []
            value = values[i] if i < len(values) else None
            row.append(cell(value, href=w.url("cumulative_flow", slug)))
        rows.append(row)
    columns = ["Day", *(w.status(slug) for slug in series)]
    return Table(
        "cumulative-flow",
        "Cumulative flow",
        columns,
        rows,
        chart,
        "Cards that have reached each status at least once, by the end of each day.",
    )
