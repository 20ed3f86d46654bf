"""The weekly dashboard page: its headlines and tables in the order shown, the names of the
card lists behind its numbers, and a table as CSV.

Everything here reads snapshots, never events, so the page costs the same number of queries
whatever the data size; the cards behind a number are listed by `cards_behind` on their own page.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from metrics.dashboards import blocked_sla, sales, throughput, times
from metrics.dashboards.cells import Table
from metrics.dashboards.headlines import Headline, headlines, trend_table
from metrics.dashboards.request import snapshots_for
from metrics.dashboards.week import WeekFigures
from metrics.flow import parse_week, week_of, week_shift
from metrics.models import WeeklySnapshot

# The tables of the page, in the order shown, each with its chart.
TABLES = [
    throughput.throughput,
    throughput.cumulative_flow,
    times.cycle_time,
    times.aging_wip,
    times.time_in_status,
    blocked_sla.blocked,
    blocked_sla.sla,
    blocked_sla.handoff_wait,
    sales.conversion,
    sales.win_rate,
    sales.margin,
    sales.repeat_requests,
    trend_table,
]


@dataclass
class Dashboard:
    process: object
    week: str
    snapshot: WeeklySnapshot | None
    previous: WeeklySnapshot | None
    headlines: list[Headline]
    tables: list[Table]
    weeks: list[str] = field(default_factory=list)
    previous_week: str = ""
    next_week: str = ""
    monday: date | None = None
    sunday: date | None = None

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise Http404("No such table.")


def weekly_dashboard(*, process, week: str) -> Dashboard:
    snapshots = snapshots_for(process, week)
    by_week = {s.week: s for s in snapshots}
    current = by_week.get(week)
    previous_week = week_shift(week, -1)
    previous = by_week.get(previous_week)
    figures = WeekFigures(process, week, previous_week, snapshots, current, previous)
    next_week = week_shift(week, 1)
    return Dashboard(
        process=process,
        week=week,
        snapshot=current,
        previous=previous,
        headlines=headlines(figures) if current else [],
        tables=[table(figures) for table in TABLES] if current else [],
        weeks=[s.week for s in snapshots],
        previous_week=previous_week,
        next_week=next_week if next_week <= week_of(process, timezone.now()) else "",
        monday=date.fromisocalendar(*parse_week(week), 1),
        sunday=date.fromisocalendar(*parse_week(week), 7),
    )


def table_csv(dashboard: Dashboard, slug: str) -> HttpResponse:
    table = dashboard.table(slug)
    name = slugify(f"{dashboard.process.slug}-{dashboard.week}-{slug}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([cell.csv for cell in row])
    return response


# Figures that count something other than cards: their lists show the cards, and say so.
METRIC_UNITS = {
    "sla_visits": "The figure counts status visits; a card may have several. These are the cards.",
    "sla_ended_late": "The figure counts status visits; a card may have several. These are the "
    "cards.",
    "sla_breaches": "The figure counts deadlines passed, one per status visit; a card may have "
    "several. These are the cards.",
    "repeat_requests": "The figure counts clients; these are their cards.",
}

METRIC_LABELS = {
    "intake": "Created in the week",
    "throughput": "Finished in the week",
    "cycle_time": "Finished in the week (cycle and lead time)",
    "cycle_time_12w": "Finished in the last 12 weeks (cycle and lead time)",
    "wip": "Started and not finished at the end of the week",
    "open": "Open at the end of the week",
    "unassigned": "Open without a responsible person",
    "time_in_status": "Finished in the week, visited the status",
    "blocked": "Blocked at some time in the week",
    "sla_visits": "Cards that left a status with an SLA in the week",
    "sla_ended_late": "Cards that left a status after its SLA deadline in the week",
    "sla_breaches": "Cards whose SLA deadline in a status passed in the week (moved or not)",
    "conversion": "Created in the last 12 weeks and reached the status",
    "cohort": "Created in the last 12 weeks",
    "won": "Closed in the week",
    "lost": "Lost in the week",
    "finished": "Finished in the week",
    "agreed": "Agreed in the week",
    "under_floor": "Agreed in the week under the margin floor",
    "repeat_requests": "Cards of clients with repeat requests (30 days)",
    "cumulative_flow": "Reached the status by the end of the week",
}
