"""Each process's headline figures for its summary (GET /api/processes/, the processes page):
the last complete week's WIP, throughput, cycle time P85 and SLA breaches, read from the stored
snapshots in one query. Registered with processes/summaries.py in MetricsConfig.ready."""

from django.db.models import OuterRef, Subquery

from metrics.catalogue import FIGURES
from metrics.models import WeeklySnapshot

# {the summary's name for it (the API's): the catalogue's key}
SUMMARY_FIGURES = {
    "wip": "wip",
    "throughput": "throughput",
    "cycle_time_p85_days": "cycle_time_p85",
    "breaches": "sla_breaches",
}
HEADLINE_FIGURES = {
    name: tuple(FIGURES[key].figure.split(".")) for name, key in SUMMARY_FIGURES.items()
}


def _figure(figures: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def process_headlines(processes: list) -> dict[int, dict]:
    latest = (
        WeeklySnapshot.objects.filter(process=OuterRef("process"), complete=True)
        .order_by("-week_start")
        .values("id")[:1]
    )
    rows = WeeklySnapshot.objects.filter(
        process__in=[p.pk for p in processes], id=Subquery(latest)
    ).values_list("process_id", "week", "figures")
    return {
        process_id: {
            "week": week,
            **{name: _figure(figures, path) for name, path in HEADLINE_FIGURES.items()},
        }
        for process_id, week, figures in rows
    }
