"""Baselines, current values, progress and states of key results, from hand-built snapshots.
Every value is written out (see conftest for the dates)."""

import pytest

from goals.models import KeyResultWeek
from goals.services import key_results_record_week
from metrics.services import weekly_snapshot_compute
from opmodel.errors import InvalidInput
from tests.goals.conftest import CYCLE, snapshot


def test_baseline_is_the_median_of_the_four_weeks_before_the_period(make_goal, add_kr, cycle_weeks):
    kr = add_kr(make_goal())

    assert kr.baseline == 10.5
    assert kr.baseline_weeks == [
        ["2026-W33", 12.0],
        ["2026-W34", 9.0],
        ["2026-W35", 10.0],
        ["2026-W36", 11.0],
    ]


def test_a_week_without_the_figure_or_incomplete_is_left_out_of_the_baseline(
    o2c, make_goal, add_kr
):
    snapshot(o2c, "2026-W33", {"margin.average_margin_percent": 14})
    snapshot(o2c, "2026-W34", {"margin.average_margin_percent": 16})
    snapshot(o2c, "2026-W35", {"margin.average_margin_percent": 15})
    snapshot(o2c, "2026-W36", {"margin.average_margin_percent": 40}, complete=False)

    kr = add_kr(make_goal(), "average_margin", target=19)

    assert kr.baseline == 15.0
    assert kr.baseline_weeks[3] == ["2026-W36", None]


@pytest.mark.parametrize(
    "value, progress, state",
    [
        (9.5, 0.25, "off_track"),  # 66 points of the time passed, 25 of the way: 41 behind
        (8.5, 0.5, "at_risk"),  # 16 behind
        (7.7, 0.7, "on_track"),  # 4 ahead
        (6.0, 1.125, "achieved"),
    ],
)
def test_progress_and_state_of_a_falling_metric(
    o2c, make_goal, add_kr, cycle_weeks, value, progress, state
):
    snapshot(o2c, "2026-W46", {CYCLE: 11})
    snapshot(o2c, "2026-W47", {CYCLE: value})
    snapshot(o2c, "2026-W48", {CYCLE: 3}, complete=False)

    kr = add_kr(make_goal(), target=6.5)

    rows = {r.week: r for r in KeyResultWeek.objects.filter(key_result=kr)}
    assert set(rows) == {"2026-W46", "2026-W47", "2026-W48"}
    assert (rows["2026-W47"].value, rows["2026-W47"].progress) == (value, progress)
    assert rows["2026-W47"].state == state
    assert rows["2026-W46"].progress == -0.125
    assert rows["2026-W48"].complete is False  # the week in progress, shown apart


def test_progress_of_a_rising_metric(o2c, make_goal, add_kr):
    for week, value in [("2026-W33", 14), ("2026-W34", 15), ("2026-W35", 16)]:
        snapshot(o2c, week, {"margin.average_margin_percent": value})
    snapshot(o2c, "2026-W47", {"margin.average_margin_percent": 17.8})

    kr = add_kr(make_goal(), "average_margin", target=19)

    row = kr.weeks.get(week="2026-W47")
    assert kr.baseline == 15.0
    assert (row.progress, row.state) == (0.7, "on_track")


def test_a_key_result_on_one_channel(o2c, make_goal, add_kr):
    # W35 had no intake from the website: the snapshot leaves the channel out, which is 0.
    for week, website in [("2026-W33", 4), ("2026-W34", 6), ("2026-W35", None), ("2026-W36", 5)]:
        split = {"email": 9} | ({"website": website} if website is not None else {})
        snapshot(o2c, week, {"intake.total": 20, "intake.by_channel": split})
    snapshot(o2c, "2026-W47", {"intake.total": 30, "intake.by_channel": {"website": 8}})

    kr = add_kr(make_goal(), "intake", dimension="website", target=10)

    assert kr.baseline == 4.5
    row = kr.weeks.get(week="2026-W47")
    assert (row.value, row.progress, row.state) == (8.0, 0.6364, "on_track")


def test_a_guardrail_holds_or_breaks_each_week(o2c, make_goal, add_kr):
    snapshot(o2c, "2026-W46", {"margin.average_margin_percent": 12.5})
    snapshot(o2c, "2026-W47", {"margin.average_margin_percent": 11.0})

    kr = add_kr(make_goal(), "average_margin", kind="guardrail", target=12)

    states = dict(kr.weeks.values_list("week", "state"))
    assert states == {"2026-W46": "holding", "2026-W47": "broken"}
    assert kr.deadline is None and kr.better == "up"


def test_past_the_deadline_unmet_is_off_track(o2c, make_goal, add_kr, cycle_weeks):
    from datetime import date

    snapshot(o2c, "2026-W46", {CYCLE: 7.0})
    snapshot(o2c, "2026-W47", {CYCLE: 7.0})

    kr = add_kr(make_goal(), target=6.5, deadline=date(2026, 11, 20))

    states = dict(kr.weeks.values_list("week", "state"))
    # W46 ends Sun Nov 15: 0.8875 of the way with 80% of the time gone; W47 ends after it.
    assert states == {"2026-W46": "on_track", "2026-W47": "off_track"}


def test_recomputing_a_week_rewrites_the_same_rows(o2c, make_goal, add_kr, cycle_weeks):
    snapshot(o2c, "2026-W47", {CYCLE: 9.5})
    kr = add_kr(make_goal(), target=6.5)
    before = kr.weeks.get(week="2026-W47")

    snapshot(o2c, "2026-W47", {CYCLE: 7.7})
    assert key_results_record_week(process_id=o2c.pk, week="2026-W47") == 1
    key_results_record_week(process_id=o2c.pk, week="2026-W47")

    after = kr.weeks.get(week="2026-W47")
    assert after.pk == before.pk
    assert (after.value, after.state) == (7.7, "on_track")
    assert kr.weeks.count() == 1


def test_the_snapshot_writer_records_the_week_after_its_commit(
    o2c, make_goal, add_kr, django_capture_on_commit_callbacks
):
    kr = add_kr(make_goal(), "intake", target=30)
    assert kr.weeks.count() == 0

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        weekly_snapshot_compute(process_id=o2c.pk, week="2026-W47")

    assert len(callbacks) == 1
    row = kr.weeks.get(week="2026-W47")
    assert (row.value, row.complete) == (0.0, True)  # no cards: nothing created that week


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({"metric": "happiness"}, {"metric"}),
        ({"deadline": "2027-06-30"}, {"deadline"}),
        ({"target": 10.5}, {"target"}),  # the baseline
        ({"metric": "intake", "dimension": "carrier-pigeon"}, {"dimension"}),
        ({"metric": "conversion"}, {"dimension"}),
        ({"kind": "guardrail"}, {"deadline"}),
    ],
)
def test_bad_key_results_are_refused_with_field_errors(
    make_goal, add_kr, cycle_weeks, fields, errors
):
    from datetime import date

    if "deadline" in fields and isinstance(fields["deadline"], str):
        fields["deadline"] = date.fromisoformat(fields["deadline"])
    goal = make_goal()
    metric = fields.pop("metric", "cycle_time_p85")
    kind = fields.pop("kind", "target")
    with pytest.raises(InvalidInput) as refused:
        add_kr(goal, metric, kind=kind, **({"deadline": date(2026, 12, 31)} | fields))
    assert set(refused.value.errors) == errors
