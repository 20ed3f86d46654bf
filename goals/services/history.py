"""Key results' numbers from the stored weekly figures: baselines and the weekly history rows.

Set-based: whatever the number of key results and weeks, a call reads the snapshots in one
query and their figures in another, and writes the history rows in one upsert.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date, datetime

from goals.definitions import (
    baseline_weeks,
    guardrail_state,
    period_weeks,
    progress_of,
    target_state,
    week_days,
)
from goals.models import KeyResult, KeyResultWeek
from metrics.catalogue import METRICS
from metrics.models import WeeklyFigure, WeeklySnapshot


class Figures:
    """The snapshots of some weeks of one process, and the figures the key results read."""

    def __init__(self, *, process_id: int, weeks: Iterable[str], key_results: list[KeyResult]):
        weeks = sorted(set(weeks))
        self.snapshots = {
            week: (pk, start, complete)
            for pk, week, start, complete in WeeklySnapshot.objects.filter(
                process_id=process_id, week__in=weeks
            ).values_list("pk", "week", "week_start", "complete")
        }
        names = {
            METRICS[kr.metric].figure_for(kr.dimension)
            for kr in key_results
            if kr.metric in METRICS
        }
        by_snapshot = {pk: week for week, (pk, _, _) in self.snapshots.items()}
        self.values: dict[tuple[str, str, str], float | None] = {}
        if by_snapshot and names:
            for snapshot_id, metric, dimension, value in WeeklyFigure.objects.filter(
                snapshot_id__in=list(by_snapshot), metric__in=sorted(names)
            ).values_list("snapshot_id", "metric", "dimension", "value"):
                self.values[(by_snapshot[snapshot_id], metric, dimension)] = value

    def value(self, key_result: KeyResult, week: str) -> float | None:
        """The key result's figure in a week that has a snapshot."""
        metric = METRICS.get(key_result.metric)
        if metric is None:
            return None
        key = (week, metric.figure_for(key_result.dimension), key_result.dimension)
        if key in self.values:
            return self.values[key]
        return 0.0 if key_result.dimension and metric.zero_when_missing else None

    def complete(self, week: str) -> bool:
        return week in self.snapshots and self.snapshots[week][2]


def baseline(key_result: KeyResult, figures: Figures, starts_on: date) -> tuple:
    """(median or None, [[week, value or None]]) over the complete weeks before the period."""
    used = []
    for week in baseline_weeks(starts_on):
        value = figures.value(key_result, week) if figures.complete(week) else None
        used.append([week, value])
    values = [v for _, v in used if v is not None]
    return (round(statistics.median(values), 4) if values else None), used


def row_for(key_result: KeyResult, figures: Figures, week: str, now: datetime) -> KeyResultWeek:
    value = figures.value(key_result, week)
    goal = key_result.goal
    _, sunday = week_days(week)
    if key_result.is_guardrail:
        progress = None
        state = guardrail_state(value=value, threshold=key_result.target, better=key_result.better)
    else:
        progress = progress_of(value, key_result.baseline, key_result.target)
        state = target_state(
            value=value,
            progress=progress,
            target=key_result.target,
            better=key_result.better,
            starts_on=goal.starts_on,
            deadline=key_result.deadline,
            week_last_day=sunday,
        )
    _, start, complete = figures.snapshots[week]
    return KeyResultWeek(
        key_result=key_result,
        week=week,
        week_start=start,
        complete=complete,
        value=None if value is None else round(value, 4),
        progress=progress,
        state=state,
        computed_at=now,
    )


def record(*, process_id: int, key_results: list[KeyResult], weeks, now: datetime) -> int:
    """Write the history rows of `key_results` (all of `process_id`, goals loaded) for those of
    `weeks` that fall in their goal's period and have a snapshot. Returns the rows written."""
    if not key_results:
        return 0
    figures = Figures(process_id=process_id, weeks=weeks, key_results=key_results)
    rows = []
    for kr in key_results:
        inside = set(period_weeks(kr.goal.starts_on, kr.goal.ends_on))
        rows += [
            row_for(kr, figures, week, now)
            for week in sorted(set(weeks) & inside)
            if week in figures.snapshots
        ]
    KeyResultWeek.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["key_result", "week"],
        update_fields=["week_start", "complete", "value", "progress", "state", "computed_at"],
    )
    return len(rows)


def weeks_to_record(goal, today: date) -> list[str]:
    """The weeks of the goal's period up to today's (the one in progress included)."""
    return period_weeks(goal.starts_on, min(goal.ends_on, today))
