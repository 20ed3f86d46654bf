"""Did a decision move its metric? The rule is reviews.definitions.effect_of; this module reads
the weekly values it compares, for many decisions in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from metrics.catalogue import METRICS
from metrics.models import WeeklyFigure
from processes.calendars import process_zone
from reviews.definitions import Effect, effect_of, effect_ready_on, effect_weeks


@dataclass
class Measured:
    effect: str
    before: list[tuple[str, float | None]]
    after: list[tuple[str, float | None]]

    @property
    def label(self) -> str:
        return Effect(self.effect).label


def _figure(decision) -> tuple[int, str, str] | None:
    """(process id, WeeklyFigure.metric, dimension) a decision follows."""
    kr = decision.key_result
    if kr is not None:
        metric, dimension, process_id = METRICS.get(kr.metric), kr.dimension, kr.process_id
    else:
        metric, dimension, process_id = METRICS.get(decision.metric), "", decision.process_id
    if metric is None or not metric.figure_for(dimension):
        return None
    return process_id, metric.figure_for(dimension), dimension


def pivot_day(decision) -> date | None:
    """The day the weeks before and after are counted from: the local day of the rule version
    the decision carried out when it links one (the rule changed then), else the day it was
    marked done."""
    if decision.version_id:
        return decision.version.at.astimezone(process_zone(decision.process)).date()
    return decision.closed_on


def effects(decisions, *, today: date) -> dict[int, Measured]:
    """Each done decision with a metric and a direction: its effect, or PENDING until the
    weeks after are complete. One query for all of them (select_related key_result), and one
    for the versions the rule changes link."""
    wanted = {}
    for d in decisions:
        if d.state != "done" or not d.tracks_metric or d.closed_on is None:
            continue
        figure = _figure(d)
        if figure is not None:
            wanted[d.pk] = (d, figure, *effect_weeks(pivot_day(d)))
    if not wanted:
        return {}
    match = Q()
    for _, (process_id, metric, dimension), before, after in wanted.values():
        match |= Q(
            snapshot__process_id=process_id,
            metric=metric,
            dimension=dimension,
            snapshot__week__in=before + after,
            snapshot__complete=True,
        )
    values = {
        (p, m, dim, w): v
        for p, m, dim, w, v in WeeklyFigure.objects.filter(match).values_list(
            "snapshot__process_id", "metric", "dimension", "snapshot__week", "value"
        )
    }
    out = {}
    for pk, (d, figure, before, after) in wanted.items():
        b = [(w, values.get((*figure, w))) for w in before]
        a = [(w, values.get((*figure, w))) for w in after]
        if today < effect_ready_on(pivot_day(d)):
            effect = Effect.PENDING
        else:
            expected = d.expected
            effect = effect_of(
                [v for _, v in b if v is not None], [v for _, v in a if v is not None], expected
            )
        out[pk] = Measured(effect, b, a)
    return out
