"""Hand-built weekly snapshots (the rows metrics' workers store) and goals on them.

The process calendar is Europe/Berlin. The goals here run from Mon 2026-09-07 (ISO week W37)
to 2027-02-28, so their baselines come from W33-W36; "now" is Wed 2026-11-25 12:00 UTC, in
W48, so the last complete week is W47 (Sun 2026-11-22 is its last day).
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from goals import services
from goals.definitions import GoalState
from metrics.flow import iso_week_bounds
from metrics.models import WeeklyFigure, WeeklySnapshot

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
STARTS, ENDS = date(2026, 9, 7), date(2027, 2, 28)
DEADLINE = date(2026, 12, 31)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def snapshot(process, week: str, figures: dict, *, complete: bool = True) -> WeeklySnapshot:
    """A week's snapshot with figures {metric: value, or {dimension: value}}, written in place
    like the metrics writer does (an existing week is replaced)."""
    start, end = iso_week_bounds(process, week)
    snap, _ = WeeklySnapshot.objects.update_or_create(
        process=process,
        week=week,
        defaults={
            "week_start": start,
            "week_end": end,
            "as_of": end if complete else NOW,
            "complete": complete,
            "figures": {},
        },
    )
    WeeklyFigure.objects.filter(snapshot=snap).delete()
    rows = []
    for metric, value in figures.items():
        split = value if isinstance(value, dict) else {"": value}
        rows += [
            WeeklyFigure(snapshot=snap, metric=metric, dimension=dim, value=v)
            for dim, v in split.items()
        ]
    WeeklyFigure.objects.bulk_create(rows)
    return snap


@pytest.fixture
def make_goal(o2c, bob):
    def make(title="Ship on time", *, actor=None, state=GoalState.ACTIVE, **fields):
        values = {
            "starts_on": STARTS,
            "ends_on": ENDS,
            "owner": bob,
            "cadence": "weekly",
            "processes": [o2c],
            **fields,
        }
        return services.goal_create(actor=actor or bob, title=title, state=state, now=NOW, **values)

    return make


@pytest.fixture
def add_kr(o2c, bob):
    def add(goal, metric="cycle_time_p85", *, target=6.5, kind="target", **fields):
        fields.setdefault("deadline", DEADLINE if kind == "target" else None)
        return services.key_result_create(
            actor=fields.pop("actor", bob),
            goal=goal,
            process=fields.pop("process", o2c),
            metric=metric,
            kind=kind,
            target=target,
            now=fields.pop("now", NOW),
            **fields,
        )

    return add


CYCLE = "cycle_time.week.p85"


@pytest.fixture
def cycle_weeks(o2c):
    """Cycle time P85 before the period: 12, 9, 10, 11 days (median 10.5)."""
    for week, value in [("2026-W33", 12), ("2026-W34", 9), ("2026-W35", 10), ("2026-W36", 11)]:
        snapshot(o2c, week, {CYCLE: value})
