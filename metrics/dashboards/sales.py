"""What the flow wins: conversion through the statuses, win rate, margin and discount by
channel, and the clients who come back."""

from __future__ import annotations

from metrics.dashboards.cells import Cell, Table, cell
from metrics.dashboards.week import WeekFigures


def conversion(w: WeekFigures) -> Table:
    c, prev = w.f["conversion"], w.p.get("conversion", {}).get("by_status", {})
    rows = [
        [
            Cell(w.status(slug)),
            cell(v["cards"], href=w.url("conversion", slug)),
            cell(v["share"], "share", w.url("conversion", slug)),
            w.before(prev, slug, "share", "share", "conversion"),
        ]
        for slug, v in w.in_order(c["by_status"])
    ]
    chart = w.bars(
        w.in_order(c["by_status"]),
        w.status,
        lambda v: v["share"],
        "conversion",
        title="Conversion funnel",
        value_label="share of cards created",
        percent=True,
    )
    return Table(
        "conversion",
        "Conversion",
        ["Status reached", "Cards", "Share", "Share, previous week"],
        rows,
        chart,
        f"Of the {c['cohort']} card(s) created in the last {c['window_weeks']} weeks.",
    )


def win_rate(w: WeekFigures) -> Table:
    by, prev = w.f["win_rate"]["by_channel"], w.p.get("win_rate", {}).get("by_channel", {})
    rows = [
        [
            Cell(w.channel(ch)),
            cell(v["closed"], href=w.url("won", ch)),
            cell(v["lost"], href=w.url("lost", ch)),
            cell(v["rate"], "share", w.url("finished", ch)),
            w.before(prev, ch, "rate", "share", "finished"),
        ]
        for ch, v in sorted(by.items())
    ]
    chart = w.bars(
        sorted(by.items()),
        w.channel,
        lambda v: v["rate"],
        "finished",
        title="Win rate by channel",
        value_label="closed / finished",
        percent=True,
    )
    return Table(
        "win-rate",
        "Win rate by channel",
        ["Channel", "Closed", "Lost", "Win rate", "Win rate, previous week"],
        rows,
        chart,
    )


def margin(w: WeekFigures) -> Table:
    m, prev = w.f["margin"], w.p.get("margin", {}).get("by_channel", {})
    rows = [
        [
            Cell(w.channel(ch)),
            cell(v["agreed"], href=w.url("agreed", ch)),
            cell(v["average_margin_percent"], "percent", w.url("agreed", ch)),
            cell(v["average_discount_percent"], "percent", w.url("agreed", ch)),
            cell(v["under_floor"], href=w.url("under_floor", ch)),
            w.before(prev, ch, "average_margin_percent", "percent", "agreed"),
        ]
        for ch, v in sorted(m["by_channel"].items())
    ]
    chart = w.bars(
        sorted(m["by_channel"].items()),
        w.channel,
        lambda v: v["average_margin_percent"],
        "agreed",
        title="Average margin by channel, cards agreed this week",
        value_label="margin %",
    )
    columns = ["Channel", "Agreed", "Avg margin", "Avg discount", "Under floor"]
    return Table(
        "margin",
        "Margin and discount by channel",
        [*columns, "Margin, prev. week"],
        rows,
        chart,
        f"Margin floor: {m['floor_percent']:g}%.",
    )


def repeat_requests(w: WeekFigures) -> Table:
    r = w.f["repeat_requests"]
    rows = [
        [Cell(c["name"]), cell(c["cards"], href=w.url("repeat_requests", str(c["client"])))]
        for c in r["top"]
    ]
    return Table(
        "repeat-requests",
        "Clients with repeat requests",
        ["Client", "Cards in 30 days"],
        rows,
        note=f"{r['clients']} client(s) with two or more cards in the last {r['window_days']} "
        "days; the 20 with the most are listed.",
    )
