"""The weekly dashboard's data: which process and week a request asks for, the snapshots it
reads (one query for the twelve weeks), and the figures, tables and charts built from them.

Everything here reads snapshots, never events, so the page costs the same number of queries
whatever the data size; the cards behind a number are listed by `cards_behind` on their own page.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from metrics import charts
from metrics.dashboard_tables import (
    HEADLINES,
    Headline,
    Table,
    WeekTables,
    cards_url,  # noqa: F401 (views link to the cards page through here)
    cell,
    figure_value,
    unit_of,
)
from metrics.flow import (
    TRAILING_WEEKS,
    iso_week_bounds,
    last_complete_week,
    parse_week,
    week_of,
)
from metrics.models import WeeklySnapshot
from processes.errors import InvalidInput
from processes.selectors import processes_visible_to

# ---------------------------------------------------------------------------------------------
# The request


@dataclass
class WeekChoice:
    processes: list
    process: object | None = None
    week: str = ""
    errors: dict = field(default_factory=dict)


def week_choice(*, user, params, require_process: bool = False) -> WeekChoice:
    """The process (a slug the user may see, else 404; the first visible by default) and the
    ISO week (default: the last complete one) a request asks for; bad weeks become errors."""
    processes = list(processes_visible_to(user).select_related("calendar").order_by("name"))
    choice = WeekChoice(processes=processes)
    slug = (params.get("process") or "").strip()
    if slug:
        choice.process = next((p for p in processes if p.slug == slug), None)
        if choice.process is None:
            raise Http404("No such process.")
    elif require_process:
        choice.errors["process"] = ["Give the process, e.g. process=order-to-cash."]
    elif processes:
        choice.process = processes[0]
    if choice.process is None:
        return choice
    week = (params.get("week") or "").strip()
    if not week:
        choice.week = last_complete_week(choice.process)
        return choice
    try:
        parse_week(week)
        if week > week_of(choice.process, timezone.now()):
            raise InvalidInput({"week": [f"{week} has not started yet."]})
        choice.week = week
    except InvalidInput as exc:
        choice.errors.update(exc.errors)
    return choice


def snapshots_for(process, week: str) -> list[WeeklySnapshot]:
    """The week's snapshot and up to eleven before it, oldest first, in one query."""
    start, _ = iso_week_bounds(process, week)
    return list(
        reversed(
            WeeklySnapshot.objects.filter(
                process=process,
                week_start__lte=start,
                week_start__gt=start - timedelta(weeks=TRAILING_WEEKS),
            ).order_by("-week_start")
        )
    )


# ---------------------------------------------------------------------------------------------
# The dashboard


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
    previous_week = _shift(week, -1)
    previous = by_week.get(previous_week)
    builder = WeekTables(process, week, previous_week, snapshots, current, previous)
    return Dashboard(
        process=process,
        week=week,
        snapshot=current,
        previous=previous,
        headlines=_headlines(builder) if current else [],
        tables=builder.tables() if current else [],
        weeks=[s.week for s in snapshots],
        previous_week=previous_week,
        next_week=_shift(week, 1) if _shift(week, 1) <= week_of(process, timezone.now()) else "",
        monday=date.fromisocalendar(*parse_week(week), 1),
        sunday=date.fromisocalendar(*parse_week(week), 7),
    )


def _shift(week: str, weeks: int) -> str:
    from metrics.flow import week_shift

    return week_shift(week, weeks)


def _headlines(tables: WeekTables) -> list[Headline]:
    out = []
    for slug, label, getter, kind, metric, key in HEADLINES:
        points = [
            charts.ChartPoint(
                label=s.week,
                value=figure_value(s.figures, getter),
                href=tables.url(metric, key, s.week),
            )
            for s in tables.snapshots
        ]
        before = tables.url(metric, key, tables.previous_week)
        out.append(
            Headline(
                slug=slug,
                label=label,
                value=cell(figure_value(tables.f, getter), kind, tables.url(metric, key)),
                previous=cell(figure_value(tables.p, getter), kind, before),
                trend=charts.run_chart(
                    points,
                    title=f"{label}: last {len(points)} weeks",
                    y_label=unit_of(kind),
                    percent=kind == "share",
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# CSV


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
    "sla_visits": "Left a status with an SLA in the week",
    "sla_breaches": "Left a status late in the week",
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
