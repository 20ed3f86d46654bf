"""The typical time a card spends in each status, for the expected date (docs/design.md,
"Metric definitions", Promise).

- A visit to a status begins with a move into it (or the card's creation) and ends with the
  card's next move; its time is the business time of the process calendar in between.
- The window: the visits that ended in the 12 whole local weeks before the current one. It
  changes only when a week begins, so each worker computes it once a week per process and keeps
  it in memory (like the process's definition), keyed by the week and the definition's version.
- The typical time of a status is the 85th percentile of those visits' times (linear
  interpolation, numpy's default); a status no visit ended in counts zero.
- The remaining path of a card: the designed open statuses, in the process's order, from its
  status to the last status a shipment (a move with the effect `record_shipment`) starts from.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import connection

from metrics.weeks import iso_week_bounds, week_of, week_shift
from processes.calendars import working_time_for
from processes.definition import process_definition
from processes.models import Status

TRAILING_WEEKS = 12
PERCENTILE = 85
SHIPMENT_EFFECT = "record_shipment"

VISITS_SQL = """
SELECT v.to_status, v.at, v.next_at FROM (
    SELECT e.to_status, e.at,
        LEAD(e.at) OVER (PARTITION BY e.card_id ORDER BY e.at, e.id) AS next_at
    FROM processes_event e JOIN processes_requestcard c ON c.id = e.card_id
    WHERE c.process_id = %(process)s AND e.kind IN ('created', 'transition')
        AND e.at < %(end)s
) v
WHERE v.next_at >= %(start)s AND v.next_at < %(end)s
"""


@dataclass(frozen=True)
class TypicalTimes:
    version: uuid.UUID
    week: str
    seconds: dict[str, float]  # status slug -> P85 of its visits' business seconds
    visits: dict[str, int]  # status slug -> visits measured
    path: tuple[str, ...]  # the designed open statuses up to the last one a shipment leaves

    def remaining(self, status: str) -> tuple[str, ...] | None:
        """The statuses left before shipment, the card's own first; None when it is past them
        (or the process ships nothing)."""
        if status not in self.path:
            return None
        return self.path[self.path.index(status) :]


_held: dict[int, TypicalTimes] = {}
_lock = threading.Lock()


def typical_times_forget() -> None:
    """Drop what is held (tests start from none)."""
    with _lock:
        _held.clear()


def _as_utc(value) -> datetime:
    if isinstance(value, str):  # SQLite hands window-function columns back as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _path(process) -> tuple[str, ...]:
    definition = process_definition(process)
    ship_sources = {
        slug
        for name, t in definition.transitions.items()
        if SHIPMENT_EFFECT in t.effects
        for slug in definition.sources[name]
    }
    statuses = list(
        Status.objects.filter(process_id=process.pk, final=False)
        .order_by("order", "id")
        .values_list("slug", flat=True)
    )
    last = max((statuses.index(s) for s in ship_sources if s in statuses), default=-1)
    return tuple(statuses[: last + 1])


def _compute(process, week: str) -> TypicalTimes:
    start, _ = iso_week_bounds(process, week_shift(week, -TRAILING_WEEKS))
    end, _ = iso_week_bounds(process, week)
    working = working_time_for(process)
    with connection.cursor() as cursor:
        cursor.execute(
            VISITS_SQL,
            {
                "process": process.pk,
                "start": connection.ops.adapt_datetimefield_value(start),
                "end": connection.ops.adapt_datetimefield_value(end),
            },
        )
        rows = cursor.fetchall()
    times: dict[str, list[int]] = {}
    for status, began, ended in rows:
        times.setdefault(status, []).append(working.between(_as_utc(began), _as_utc(ended)))
    return TypicalTimes(
        version=process.definition_version,
        week=week,
        seconds={s: float(np.percentile(v, PERCENTILE)) for s, v in times.items()},
        visits={s: len(v) for s, v in times.items()},
        path=_path(process),
    )


def typical_times(process, now: datetime) -> TypicalTimes:
    """The process's typical times for the week `now` falls in (computed once a week)."""
    week = week_of(process, now)
    held = _held.get(process.pk)
    if held is not None and held.week == week and held.version == process.definition_version:
        return held
    computed = _compute(process, week)
    with _lock:
        _held[process.pk] = computed
    return computed
