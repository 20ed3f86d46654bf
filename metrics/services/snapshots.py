"""Weekly flow snapshots: one process's week of figures (metrics.flow), stored for the
dashboards and the API to read, and kept up to date by the beat."""

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from metrics.flow import week_of, week_shift, weekly_flow_metrics
from metrics.flow.walk import weekly_flow_walk
from metrics.models import WeeklyFigure, WeeklySnapshot
from metrics.promises.figures import promise_weekly_figures
from metrics.sections import weekly_sections_stored, weekly_sections_stored_weeks
from metrics.signals import weekly_snapshot_written
from processes.models import Process

# Dicts in the figures whose keys are a dimension (a channel, a status), not a metric name.
_DIMENSION_KEYS = {
    "by_channel",
    "by_status",
    "by_segment",
    "by_reason",
    "aging_wip",
    "time_in_status",
}


def _figure_rows(figures: dict) -> dict[tuple[str, str], float | None]:
    """The snapshot's numbers in long form: {(metric path, dimension): value}. Lists of sample
    points, labels and the day-by-day cumulative flow stay in the JSON only."""
    rows: dict[tuple[str, str], float | None] = {}

    def walk(path: str, value, dimension: str) -> None:
        if isinstance(value, bool) or isinstance(value, str):
            return
        if value is None or isinstance(value, int | float):
            rows[(path, dimension)] = None if value is None else float(value)
        elif isinstance(value, dict):
            last = path.rsplit(".", 1)[-1]
            for key, item in value.items():
                if last in _DIMENSION_KEYS and not dimension:
                    walk(path, item, key)
                else:
                    walk(f"{path}.{key}" if path else key, item, dimension)
        elif isinstance(value, list) and path == "blocked.reasons":
            for reason in value:
                walk(path, {"cards": reason["cards"], "days": reason["days"]}, reason["reason"])

    skip = {"labels", "cumulative_flow", "process", "week", "week_start", "week_end", "as_of"}
    walk("", {k: v for k, v in figures.items() if k not in skip}, "")
    return rows


def weekly_snapshot_compute(*, process_id: int, week: str, now: datetime | None = None):
    """Compute one week's figures and replace that week's snapshot and rows, in one transaction.

    Idempotent: recomputing a week updates the same rows in place (the same ids), and removes
    rows a figure no longer has. Two workers at once serialize on the snapshot row.
    """
    process = Process.objects.get(pk=process_id)
    now = now or timezone.now()
    return _snapshot_store(process, weekly_flow_metrics(process=process, week=week, now=now), now)


def weekly_snapshots_walk(
    *, process_id: int, weeks: list[str], now: datetime | None = None, progress=None
) -> list[str]:
    """The snapshots of many weeks of a process, each as `weekly_snapshot_compute` writes it,
    computed in one walk forward over the history (metrics.flow.walk: the history read once,
    not once per week). `progress(week)` is called after each week is stored. Returns the
    weeks, oldest first."""
    process = Process.objects.get(pk=process_id)
    now = now or timezone.now()
    # The stored sections that can compute many weeks at once read their history once too.
    sections = weekly_sections_stored_weeks(process, weeks, now)
    done = []
    for week, figures in weekly_flow_walk(process=process, weeks=weeks, now=now):
        _snapshot_store(process, figures, now, sections)
        done.append(week)
        if progress:
            progress(week)
    return done


def _snapshot_store(
    process, figures: dict, now: datetime, sections: dict | None = None
) -> WeeklySnapshot:
    week = figures["week"]
    figures["promise"] = promise_weekly_figures(process=process, week=week, now=now)
    # Apps above metrics may keep figures with the week (the money's: metrics/sections.py).
    # `sections`: those computed already for many weeks (weekly_snapshots_walk).
    figures.update(weekly_sections_stored(process, week, now, sections))
    rows = _figure_rows(figures)
    with transaction.atomic():
        snapshot, _ = WeeklySnapshot.objects.update_or_create(
            process=process,
            week=week,
            defaults={
                "week_start": datetime.fromisoformat(figures["week_start"]),
                "week_end": datetime.fromisoformat(figures["week_end"]),
                "as_of": datetime.fromisoformat(figures["as_of"]),
                "complete": figures["complete"],
                "computed_at": now,
                "figures": figures,
            },
        )
        WeeklyFigure.objects.bulk_create(
            [
                WeeklyFigure(snapshot=snapshot, metric=metric, dimension=dimension, value=value)
                for (metric, dimension), value in rows.items()
            ],
            update_conflicts=True,
            unique_fields=["snapshot", "metric", "dimension"],
            update_fields=["value"],
        )
        stale = [
            pk
            for pk, metric, dimension in WeeklyFigure.objects.filter(snapshot=snapshot).values_list(
                "pk", "metric", "dimension"
            )
            if (metric, dimension) not in rows
        ]
        if stale:
            WeeklyFigure.objects.filter(pk__in=stale).delete()
        # Apps above metrics (goals) follow the week's figures; metrics never imports them.
        # robust: the figures are committed; a receiver's failure is logged, not raised.
        transaction.on_commit(
            partial(weekly_snapshot_written.send, WeeklySnapshot, process_id=process.pk, week=week),
            robust=True,
        )
    return snapshot


def _measurable_processes():
    """Active processes that have statuses (a process being set up has nothing to measure)."""
    return (
        Process.objects.filter(is_active=True, statuses__isnull=False)
        .distinct()
        .select_related("calendar")
    )


def weekly_snapshots_current(*, now: datetime | None = None) -> list[str]:
    """Refresh the week in progress of every active process (beat, every 15 minutes)."""
    now = now or timezone.now()
    done = []
    for process in _measurable_processes():
        week = week_of(process, now)
        weekly_snapshot_compute(process_id=process.pk, week=week, now=now)
        done.append(f"{process.slug} {week}")
    return done


def weekly_snapshots_catch_up(*, now: datetime | None = None, weeks: int = 12) -> list[str]:
    """Compute the complete weeks among the last `weeks` of every active process that have no
    snapshot taken after the week ended (beat, hourly): the week that just ended, and any week
    missed while the workers were down. A week already complete is left alone, so running this
    twice does nothing the second time."""
    now = now or timezone.now()
    processes = list(_measurable_processes())
    done_already = set(
        WeeklySnapshot.objects.filter(
            process__in=processes, complete=True, week_start__gte=now - timedelta(weeks=weeks + 1)
        ).values_list("process_id", "week")
    )
    done = []
    for process in processes:
        current = week_of(process, now)
        missing = [
            week
            for week in (week_shift(current, -back) for back in range(weeks, 0, -1))
            if (process.pk, week) not in done_already
        ]
        if len(missing) == 1:  # the usual case, the week that just ended: read it alone
            weekly_snapshot_compute(process_id=process.pk, week=missing[0], now=now)
        elif missing:  # weeks missed while the workers were down: one walk over the history
            weekly_snapshots_walk(process_id=process.pk, weeks=missing, now=now)
        done += [f"{process.slug} {week}" for week in missing]
    return done
