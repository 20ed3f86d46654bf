"""The weekly dashboard's tables, each with its chart: built from snapshots alone (no query).

Every number is a `Cell` with the link to the cards behind it; a table is also its CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse

from metrics import charts
from metrics.flow import PERCENTILES, process_zone

NONE = "—"


def cards_url(process, week: str, metric: str, key=None) -> str:
    from urllib.parse import urlencode

    params = {"process": process.slug, "week": week, "metric": metric}
    if key not in (None, ""):
        params["key"] = key
    return f"{reverse('weekly-cards')}?{urlencode(params)}"


def fmt(value, kind: str = "count") -> str:
    if value is None:
        return NONE
    if kind == "share":
        return f"{value * 100:.0f}%"
    if kind == "days":
        return f"{value:.1f}"
    if kind == "percent":
        return f"{value:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


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


# Headline figures: this week, the previous week and the twelve-week trend
HEADLINES = [
    # slug, label, getter, kind, metric of the cards behind it, key
    ("intake", "Intake", lambda f: f["intake"]["total"], "count", "intake", None),
    ("throughput", "Throughput", lambda f: f["throughput"]["total"], "count", "throughput", None),
    ("closed", "Closed", lambda f: f["throughput"]["closed"], "count", "won", None),
    ("lost", "Lost", lambda f: f["throughput"]["lost"], "count", "lost", None),
    ("wip", "WIP at the end of the week", lambda f: f["wip"]["total"], "count", "wip", None),
    (
        "cycle_p85",
        "Cycle time, 85th percentile (days)",
        lambda f: f["cycle_time"]["week"]["p85"],
        "days",
        "cycle_time",
        None,
    ),
    (
        "lead_p85",
        "Lead time, 85th percentile (days)",
        lambda f: f["lead_time"]["week"]["p85"],
        "days",
        "cycle_time",
        None,
    ),
    (
        "age_p85",
        "Work item age, 85th percentile (days)",
        lambda f: f["work_item_age"]["p85"],
        "days",
        "wip",
        None,
    ),
    (
        "flow_efficiency",
        "Flow efficiency",
        lambda f: f["flow_efficiency"]["share"],
        "share",
        "cycle_time",
        None,
    ),
    ("blocked", "Cards blocked", lambda f: f["blocked"]["cards"], "count", "blocked", None),
    (
        "blocked_days",
        "Blocked time (days)",
        lambda f: f["blocked"]["days"],
        "days",
        "blocked",
        None,
    ),
    ("sla_breaches", "SLA breaches", lambda f: f["sla"]["breaches"], "count", "sla_breaches", None),
    (
        "on_time",
        "On-time share of status visits",
        lambda f: f["sla"]["on_time_share"],
        "share",
        "sla_visits",
        None,
    ),
    (
        "unassigned",
        "Open cards without a responsible person",
        lambda f: f["ownership"]["unassigned_share"],
        "share",
        "unassigned",
        None,
    ),
    ("win_rate", "Win rate", lambda f: f["win_rate"]["rate"], "share", "finished", None),
    (
        "margin",
        "Average margin of cards agreed",
        lambda f: f["margin"]["average_margin_percent"],
        "percent",
        "agreed",
        None,
    ),
    (
        "under_floor",
        "Cards agreed under the margin floor",
        lambda f: f["margin"]["under_floor"],
        "count",
        "under_floor",
        None,
    ),
    (
        "repeat",
        "Clients with repeat requests (30 days)",
        lambda f: f["repeat_requests"]["clients"],
        "count",
        "repeat_requests",
        None,
    ),
]


def figure_value(figures: dict | None, getter):
    if not figures:
        return None
    try:
        return getter(figures)
    except (KeyError, TypeError):
        return None  # a snapshot from before a figure existed


@dataclass
class Headline:
    slug: str
    label: str
    value: Cell
    previous: Cell
    trend: str


class WeekTables:
    """The dashboard's tables, each with its chart, from the week's snapshots."""

    def __init__(self, process, week, previous_week, snapshots, current, previous):
        self.process = process
        self.week = week
        self.previous_week = previous_week
        self.snapshots = snapshots
        self.f = current.figures if current else {}
        self.p = previous.figures if previous else {}
        labels = self.f.get("labels", {})
        self.statuses = [(s[0], s[1], s[2]) for s in labels.get("statuses", [])]
        self.status_names = {slug: name for slug, name, _ in self.statuses}
        self.channels = labels.get("channels", {})
        self.reasons = labels.get("block_reasons", {})
        self.zone = process_zone(process)

    def url(self, metric, key=None, week=None):
        return cards_url(self.process, week or self.week, metric, key)

    def status(self, slug):
        return self.status_names.get(slug, slug)

    def in_order(self, by_status: dict) -> list[tuple]:
        """A by-status dict in the process's order (a JSON column need not keep key order)."""
        known = [(slug, by_status[slug]) for slug, _, _ in self.statuses if slug in by_status]
        names = {slug for slug, _, _ in self.statuses}
        return known + sorted((k, v) for k, v in by_status.items() if k not in names)

    def channel(self, slug):
        return self.channels.get(slug, slug)

    # -- tables, each with its chart

    def tables(self) -> list[Table]:
        return [
            self.throughput(),
            self.cumulative_flow(),
            self.cycle_time(),
            self.aging_wip(),
            self.time_in_status(),
            self.blocked(),
            self.sla(),
            self.conversion(),
            self.win_rate(),
            self.margin(),
            self.repeat_requests(),
            self.headline_table(),
        ]

    def headline_table(self) -> Table:
        weeks = [s.week for s in self.snapshots]
        rows = []
        for _, label, getter, kind, metric, key in HEADLINES:
            row = [Cell(label)]
            for s in self.snapshots:
                value = figure_value(s.figures, getter)
                row.append(cell(value, kind, self.url(metric, key, s.week)))
            rows.append(row)
        return Table("trend", "Figures over the last 12 weeks", ["Figure", *weeks], rows)

    def throughput(self) -> Table:
        rows, points = [], []
        for s in self.snapshots:
            t = s.figures.get("throughput", {})
            rows.append(
                [
                    Cell(s.week),
                    cell(
                        s.figures.get("intake", {}).get("total"),
                        href=self.url("intake", None, s.week),
                    ),
                    cell(t.get("closed"), href=self.url("won", None, s.week)),
                    cell(t.get("lost"), href=self.url("lost", None, s.week)),
                    cell(t.get("total"), href=self.url("throughput", None, s.week)),
                ]
            )
            points.append(
                charts.ChartPoint(s.week, t.get("total"), self.url("throughput", None, s.week))
            )
        chart = charts.run_chart(points, title="Throughput per week", y_label="cards")
        return Table(
            "throughput",
            "Throughput",
            ["Week", "Intake", "Closed", "Lost", "Finished"],
            rows,
            chart,
        )

    def cumulative_flow(self) -> Table:
        days: list[date] = []
        series: dict[str, list] = {slug: [] for slug, _, _ in self.statuses}
        for s in self.snapshots:
            cfd = s.figures.get("cumulative_flow", {})
            days += [date.fromisoformat(d) for d in cfd.get("days", [])]
            for slug in series:
                series[slug] += cfd.get("by_status", {}).get(slug) or [None] * len(
                    cfd.get("days", [])
                )
        chart = charts.stacked_area(
            days,
            [
                charts.Series(self.status(slug), values, self.url("cumulative_flow", slug))
                for slug, values in series.items()
            ],
            title="Cumulative flow, last 12 weeks",
        )
        this = self.f.get("cumulative_flow", {})
        rows = []
        for i, day in enumerate(this.get("days", [])):
            row = [Cell(day)]
            for slug in series:
                values = this.get("by_status", {}).get(slug) or []
                value = values[i] if i < len(values) else None
                row.append(cell(value, href=self.url("cumulative_flow", slug)))
            rows.append(row)
        columns = ["Day", *(self.status(slug) for slug in series)]
        return Table(
            "cumulative-flow",
            "Cumulative flow",
            columns,
            rows,
            chart,
            "Cards that have reached each status at least once, by the end of each day.",
        )

    def cycle_time(self) -> Table:
        trailing = self.f["cycle_time"]["trailing_12_weeks"]
        lines = {f"{p}%": trailing.get(f"p{p}") for p in PERCENTILES if trailing.get(f"p{p}")}
        points = []
        for s in self.snapshots:
            for point in s.figures.get("cycle_time", {}).get("points", []):
                points.append(
                    charts.ScatterPoint(
                        x=datetime.fromisoformat(point["finished_at"]).astimezone(self.zone),
                        y=point["days"],
                        href=reverse("card-detail", args=[point["card"]]),
                        label=f"#{point['card']} {self.status(point['status'])}",
                    )
                )
        chart = charts.scatter(
            points, title="Cycle time of finished cards, last 12 weeks", y_label="days", lines=lines
        )
        rows = []
        for name, key in [("Cycle time", "cycle_time"), ("Lead time", "lead_time")]:
            for span, label, metric in [
                ("week", "this week", "cycle_time"),
                ("trailing_12_weeks", "last 12 weeks", "cycle_time_12w"),
            ]:
                figures = self.f[key][span]
                previous = (self.p.get(key) or {}).get(span) or {}
                href = self.url(metric)
                before = self.url(metric, None, self.previous_week)
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

    def aging_wip(self) -> Table:
        aging = self.f.get("aging_wip", {})
        previous = self.p.get("aging_wip", {})
        trailing = self.f["cycle_time"]["trailing_12_weeks"]
        lines = {f"{p}%": trailing.get(f"p{p}") for p in PERCENTILES if trailing.get(f"p{p}")}
        columns, rows = [], []
        for slug, name, final in self.statuses:
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
                    href=self.url("wip", slug),
                )
            )
            rows.append(
                [
                    Cell(name),
                    cell(aging.get(slug, {}).get("count"), href=self.url("wip", slug)),
                    cell(max((c["age_days"] for c in cards), default=None), "days",
                          self.url("wip", slug)),
                    cell(previous.get(slug, {}).get("count"),
                          href=self.url("wip", slug, self.previous_week)),
                ]
            )  # fmt: skip
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

    def time_in_status(self) -> Table:
        tis, prev = self.f.get("time_in_status", {}), self.p.get("time_in_status", {})
        rows = [
            [
                Cell(self.status(slug)),
                cell(v["cards"], href=self.url("time_in_status", slug)),
                cell(v["mean_days"], "days", self.url("time_in_status", slug)),
                cell(v["total_days"], "days", self.url("time_in_status", slug)),
                cell(
                    prev.get(slug, {}).get("mean_days"),
                    "days",
                    self.url("time_in_status", slug, self.previous_week),
                ),
            ]  # fmt: skip
            for slug, v in self.in_order(tis)
        ]
        chart = charts.bar_chart(
            [
                charts.ChartPoint(self.status(s), v["mean_days"], self.url("time_in_status", s))
                for s, v in self.in_order(tis)
            ],
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

    def blocked(self) -> Table:
        b = self.f["blocked"]
        prev = {r["reason"]: r for r in self.p.get("blocked", {}).get("reasons", [])}
        rows = [
            [
                Cell(self.reasons.get(r["reason"], r["reason"])),
                cell(r["cards"], href=self.url("blocked", r["reason"])),
                cell(round(r["days"] * 24, 1), "days", self.url("blocked", r["reason"])),
                cell(
                    round(prev.get(r["reason"], {}).get("days", 0) * 24, 1),
                    "days",
                    self.url("blocked", r["reason"], self.previous_week),
                ),
            ]  # fmt: skip
            for r in b["reasons"]
        ]
        chart = charts.bar_chart(
            [
                charts.ChartPoint(
                    self.reasons.get(r["reason"], r["reason"]),
                    round(r["days"] * 24, 1),
                    self.url("blocked", r["reason"]),
                )
                for r in b["reasons"]
            ],
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

    def sla(self) -> Table:
        by, prev = self.f["sla"]["by_status"], self.p.get("sla", {}).get("by_status", {})
        rows = [
            [
                Cell(self.status(slug)),
                cell(v["visits"], href=self.url("sla_visits", slug)),
                cell(v["breaches"], href=self.url("sla_breaches", slug)),
                cell(
                    _ratio(v["visits"] - v["breaches"], v["visits"]),
                    "share",
                    self.url("sla_visits", slug),
                ),
                cell(
                    prev.get(slug, {}).get("breaches"),
                    href=self.url("sla_breaches", slug, self.previous_week),
                ),
            ]  # fmt: skip
            for slug, v in self.in_order(by)
        ]
        chart = charts.bar_chart(
            [
                charts.ChartPoint(self.status(s), v["breaches"], self.url("sla_breaches", s))
                for s, v in self.in_order(by)
            ],
            title="SLA breaches by status",
            value_label="visits breached",
        )
        return Table(
            "sla",
            "SLA breaches by status",
            ["Status left", "Visits ended", "Breached", "On time", "Breached, previous week"],
            rows,
            chart,
        )

    def conversion(self) -> Table:
        c, prev = self.f["conversion"], self.p.get("conversion", {}).get("by_status", {})
        rows = [
            [
                Cell(self.status(slug)),
                cell(v["cards"], href=self.url("conversion", slug)),
                cell(v["share"], "share", self.url("conversion", slug)),
                cell(
                    prev.get(slug, {}).get("share"),
                    "share",
                    self.url("conversion", slug, self.previous_week),
                ),
            ]  # fmt: skip
            for slug, v in self.in_order(c["by_status"])
        ]
        chart = charts.bar_chart(
            [
                charts.ChartPoint(self.status(s), v["share"], self.url("conversion", s))
                for s, v in self.in_order(c["by_status"])
            ],
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

    def win_rate(self) -> Table:
        w, prev = self.f["win_rate"], self.p.get("win_rate", {}).get("by_channel", {})
        rows = [
            [
                Cell(self.channel(ch)),
                cell(v["closed"], href=self.url("won", ch)),
                cell(v["lost"], href=self.url("lost", ch)),
                cell(v["rate"], "share", self.url("finished", ch)),
                cell(
                    prev.get(ch, {}).get("rate"),
                    "share",
                    self.url("finished", ch, self.previous_week),
                ),
            ]  # fmt: skip
            for ch, v in sorted(w["by_channel"].items())
        ]
        chart = charts.bar_chart(
            [
                charts.ChartPoint(self.channel(ch), v["rate"], self.url("finished", ch))
                for ch, v in sorted(w["by_channel"].items())
            ],
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

    def margin(self) -> Table:
        m, prev = self.f["margin"], self.p.get("margin", {}).get("by_channel", {})
        rows = [
            [
                Cell(self.channel(ch)),
                cell(v["agreed"], href=self.url("agreed", ch)),
                cell(v["average_margin_percent"], "percent", self.url("agreed", ch)),
                cell(v["average_discount_percent"], "percent", self.url("agreed", ch)),
                cell(v["under_floor"], href=self.url("under_floor", ch)),
                cell(
                    prev.get(ch, {}).get("average_margin_percent"),
                    "percent",
                    self.url("agreed", ch, self.previous_week),
                ),
            ]  # fmt: skip
            for ch, v in sorted(m["by_channel"].items())
        ]
        chart = charts.bar_chart(
            [
                charts.ChartPoint(
                    self.channel(ch), v["average_margin_percent"], self.url("agreed", ch)
                )
                for ch, v in sorted(m["by_channel"].items())
            ],
            title="Average margin by channel, cards agreed this week",
            value_label="margin %",
        )
        return Table(
            "margin",
            "Margin and discount by channel",
            [
                "Channel",
                "Agreed",
                "Avg margin",
                "Avg discount",
                "Under floor",
                "Margin, prev. week",
            ],
            rows,
            chart,
            f"Margin floor: {m['floor_percent']:g}%.",
        )

    def repeat_requests(self) -> Table:
        r = self.f["repeat_requests"]
        rows = [
            [
                Cell(c["name"]),
                cell(c["cards"], href=self.url("repeat_requests", str(c["client"]))),
            ]
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


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def unit_of(kind: str) -> str:
    return {"days": "days", "share": "share", "percent": "%"}.get(kind, "cards")
