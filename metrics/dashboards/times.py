"""How long cards take: the cycle-time scatter with its percentiles, aging WIP against them,
and the time spent in each status."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from metrics import charts
from metrics.dashboards.cells import Cell, Table, cell
from metrics.dashboards.week import WeekFigures
from metrics.flow import PERCENTILES
from metrics.weeks import iso_week_bounds


def _percentile_lines(w: WeekFigures) -> dict[str, float]:
    """The 12-week cycle-time percentiles, as reference lines."""
    trailing = w.f["cycle_time"]["trailing_12_weeks"]
    return {f"{p}%": trailing.get(f"p{p}") for p in PERCENTILES if trailing.get(f"p{p}")}


def cycle_time(w: WeekFigures) -> Table:
    points, bands = [], []
    for s in w.snapshots:
        start, end = iso_week_bounds(w.process, s.week)
        finished = (s.figures.get("cycle_time", {}).get("week") or {}).get("count")
        bands.append(
            charts.Band(
                start.astimezone(w.zone),
                end.astimezone(w.zone),
                f"{s.week}: {finished if finished is not None else 'the'} finished cards",
                w.url("cycle_time", None, s.week),
            )
        )
        for point in s.figures.get("cycle_time", {}).get("points", []):
            points.append(
                charts.ScatterPoint(
                    x=datetime.fromisoformat(point["finished_at"]).astimezone(w.zone),
                    y=point["days"],
                    href=reverse("card-detail", args=[point["card"]]),
                    label=f"#{point['card']} {w.status(point['status'])}",
                )
            )
    chart = charts.scatter(
        points,
        title="Cycle time of finished cards, last 12 weeks",
        y_label="days",
        lines=_percentile_lines(w),
        bands=bands,
    )
    rows = []
    for name, key in [("Cycle time", "cycle_time"), ("Lead time", "lead_time")]:
        for span, label, metric in [
            ("week", "this week", "cycle_time"),
            ("trailing_12_weeks", "last 12 weeks", "cycle_time_12w"),
        ]:
            figures = w.f[key][span]
            previous = (w.p.get(key) or {}).get(span) or {}
            href = w.url(metric)
            before = w.url(metric, None, w.previous_week)
            rows.append(
                [
                    Cell(f"{name}, {label}"),
                    cell(figures["count"], href=href),
                    *(cell(figures.get(f"p{p}"), "days", href) for p in PERCENTILES),
                    cell(previous.get("p85"), "days", before),
                ]
            )
    columns = ["Figure", "Cards", *(f"{p}th pct (days)" for p in PERCENTILES)]
    return Table(
        "cycle-time",
        "Cycle time and lead time",
        [*columns, "85th pct, previous week"],
        rows,
        chart,
        "Dots: finished cards (at most 300 a week); lines: the 12-week percentiles.",
    )


def aging_wip(w: WeekFigures) -> Table:
    aging = w.f.get("aging_wip", {})
    previous = w.p.get("aging_wip", {})
    columns, rows = [], []
    for slug, name, final in w.statuses:
        if final or slug not in aging and slug not in previous:
            continue
        cards = aging.get(slug, {}).get("cards", [])
        columns.append(
            charts.StripColumn(
                label=name,
                values=[
                    charts.ScatterPoint(
                        x=None,
                        y=c["age_days"],
                        href=reverse("card-detail", args=[c["card"]]),
                        label=f"#{c['card']}",
                    )
                    for c in cards
                ],
                href=w.url("wip", slug),
            )
        )
        oldest = max((c["age_days"] for c in cards), default=None)
        rows.append(
            [
                Cell(name),
                cell(aging.get(slug, {}).get("count"), href=w.url("wip", slug)),
                cell(oldest, "days", w.url("wip", slug)),
                w.before(previous, slug, "count", "cards", "wip"),
            ]
        )
    lines = _percentile_lines(w)
    chart = charts.strip_chart(
        columns, title="Aging WIP by status", y_label="days since started", lines=lines
    )
    return Table(
        "aging-wip",
        "Aging WIP",
        ["Status", "Open cards", "Oldest (days)", "Previous week"],
        rows,
        chart,
        "Lines: cycle-time percentiles of the last 12 weeks; a card above the 85% line is "
        "older than most cards ever get.",
    )


def time_in_status(w: WeekFigures) -> Table:
    tis, prev = w.f.get("time_in_status", {}), w.p.get("time_in_status", {})
    rows = [
        [
            Cell(w.status(slug)),
            cell(v["cards"], href=w.url("time_in_status", slug)),
            cell(v["mean_days"], "days", w.url("time_in_status", slug)),
            cell(v["total_days"], "days", w.url("time_in_status", slug)),
            w.before(prev, slug, "mean_days", "days", "time_in_status"),
        ]
        for slug, v in w.in_order(tis)
    ]
    chart = w.bars(
        w.in_order(tis),
        w.status,
        lambda v: v["mean_days"],
        "time_in_status",
        title="Mean days in each status, cards finished this week",
        value_label="days",
    )
    return Table(
        "time-in-status",
        "Time in status",
        ["Status", "Cards", "Mean days", "Total days", "Mean, previous week"],
        rows,
        chart,
    )
