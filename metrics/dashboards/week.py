"""The week a dashboard shows: its snapshots (this week's, the previous week's, the twelve of
the trend) and the lookups every table uses (names of statuses, channels and reasons, links to
the cards behind a number). Built from snapshots alone: no query."""

from __future__ import annotations

from metrics import charts
from metrics.dashboards.cells import Cell, cards_url, cell
from metrics.flow import process_zone


class WeekFigures:
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

    def channel(self, slug):
        return self.channels.get(slug, slug)

    def reason(self, slug):
        return self.reasons.get(slug, slug)

    def in_order(self, by_status: dict) -> list[tuple]:
        """A by-status dict in the process's order (a JSON column need not keep key order)."""
        known = [(slug, by_status[slug]) for slug, _, _ in self.statuses if slug in by_status]
        names = {slug for slug, _, _ in self.statuses}
        return known + sorted((k, v) for k, v in by_status.items() if k not in names)

    def before(self, by_key: dict, key, field: str, kind: str, metric: str) -> Cell:
        """A row's value in the previous week, linked to that week's cards."""
        href = self.url(metric, key, self.previous_week)
        return cell(by_key.get(key, {}).get(field), kind, href)

    def bars(self, items, name, value, metric: str, **chart) -> str:
        """A bar chart of (key, figures) items: a bar per key named by ``name(key)``, of height
        ``value(figures)``, linked to the cards behind it."""
        points = [charts.ChartPoint(name(k), value(v), self.url(metric, k)) for k, v in items]
        return charts.bar_chart(points, **chart)
