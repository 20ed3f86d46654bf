"""Weekly snapshots: the service that stores a week's figures, the beat jobs that keep them
current, and the worker that runs them. The history is the hand-built one of
test_flow_metrics.py."""

from datetime import UTC, datetime

import pytest

from metrics.models import WeeklyFigure, WeeklySnapshot
from metrics.services import (
    weekly_snapshot_compute,
    weekly_snapshots_catch_up,
    weekly_snapshots_current,
)
from metrics.tasks import weekly_snapshot_task
from opmodel.celery import app as celery_app
from tests.metrics.conftest import WAIT_SECONDS, _wait_for
from tests.metrics.test_flow_metrics import NOW, WEEK, history  # noqa: F401 (a fixture)


def _rows(snapshot) -> list[tuple]:
    return list(
        WeeklyFigure.objects.filter(snapshot=snapshot)
        .order_by("metric", "dimension")
        .values_list("id", "metric", "dimension", "value")
    )


def test_a_snapshot_keeps_the_figures_and_their_long_rows(history, o2c):  # noqa: F811
    snapshot = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)

    assert (snapshot.week, snapshot.complete) == (WEEK, True)
    assert snapshot.week_start == datetime(2026, 11, 15, 23, tzinfo=UTC)
    assert snapshot.as_of == snapshot.week_end == datetime(2026, 11, 22, 23, tzinfo=UTC)
    assert snapshot.figures["intake"]["total"] == 3
    values = {(m, d): v for _, m, d, v in _rows(snapshot)}
    assert values[("intake.total", "")] == 3
    assert values[("intake.by_channel", "email")] == 2
    assert values[("intake.by_channel", "phone")] == 1
    assert values[("throughput.lost", "")] == 2
    assert values[("cycle_time.week.p85", "")] == 7.45
    assert values[("win_rate.by_channel.rate", "email")] == 0.5
    assert values[("margin.by_channel.under_floor", "website")] == 1
    assert values[("blocked.reasons.days", "waiting_customer")] == 2.5833
    assert values[("aging_wip.count", "agreed")] == 1
    # A's priced deadline passed in the week; D's on Nov 5 (both left priced late).
    assert values[("sla.by_status.breaches", "priced")] == 1
    assert values[("sla.by_status.ended_late", "priced")] == 2


def test_recomputing_a_week_gives_identical_rows(history, o2c):  # noqa: F811
    first = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)
    rows, figures = _rows(first), first.figures

    again = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)

    assert again.pk == first.pk
    assert WeeklySnapshot.objects.count() == 1
    assert again.figures == figures
    assert _rows(again) == rows


def test_a_recomputed_week_drops_rows_a_figure_no_longer_has(history, o2c):  # noqa: F811
    snapshot = weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)
    WeeklyFigure.objects.create(snapshot=snapshot, metric="intake.by_channel", dimension="fax")

    weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)

    assert not WeeklyFigure.objects.filter(dimension="fax").exists()


def test_catch_up_computes_the_missing_complete_weeks_once(history, o2c):  # noqa: F811
    # Purchasing (a process too, seeded by the stock app) gets its weeks; these read order to cash.
    done = [w for w in weekly_snapshots_catch_up(now=NOW) if w.startswith("order-to-cash ")]

    assert len(done) == 12
    weeks = list(
        WeeklySnapshot.objects.filter(process=o2c)
        .order_by("week_start")
        .values_list("week", "complete")
    )
    assert weeks[0] == ("2026-W36", True)
    assert weeks[-1] == ("2026-W47", True)
    assert weekly_snapshots_catch_up(now=NOW) == []


def test_the_current_week_is_refreshed_as_of_now(history, o2c):  # noqa: F811
    assert "order-to-cash 2026-W48" in weekly_snapshots_current(now=NOW)
    snapshot = WeeklySnapshot.objects.get(process=o2c, week="2026-W48")
    assert (snapshot.complete, snapshot.as_of) == (False, NOW)
    # Still incomplete, so the hourly catch-up leaves it to the 15-minute refresh.
    assert "order-to-cash 2026-W48" not in weekly_snapshots_catch_up(now=NOW)


def test_beat_schedules_the_week_in_progress_and_the_week_just_ended():
    schedule = {e["task"]: e["schedule"] for e in celery_app.conf.beat_schedule.values()}
    assert schedule["metrics.tasks.weekly_snapshots_current"] == 15 * 60
    assert schedule["metrics.tasks.weekly_snapshots_catch_up"] == 60 * 60


@pytest.mark.worker
def test_the_worker_computes_a_week_and_recomputing_it_changes_nothing(
    start_worker,
    history,  # noqa: F811
    o2c,
):
    _, log = start_worker()

    weekly_snapshot_task.delay(o2c.pk, WEEK, NOW.isoformat())
    _wait_for(
        lambda: WeeklySnapshot.objects.filter(process=o2c, week=WEEK).exists(),
        timeout=WAIT_SECONDS,
        what="the worker to store the snapshot",
        log=log,
    )
    snapshot = WeeklySnapshot.objects.get(process=o2c, week=WEEK)
    assert snapshot.figures["throughput"] == {
        "total": 3,
        "closed": 1,
        "lost": 2,
        "by_status": {"closed": 1, "lost": 2},
    }
    assert snapshot.figures["cycle_time"]["week"] == {
        "count": 3,
        "p50": 1.5,
        "p85": 7.45,
        "p95": 9.15,
    }
    rows = _rows(snapshot)
    assert len(rows) > 50

    weekly_snapshot_task.delay(o2c.pk, WEEK, NOW.isoformat())
    _wait_for(
        lambda: log.read_text(errors="replace").count("metrics.tasks.weekly_snapshot[") >= 4,
        timeout=WAIT_SECONDS,
        what="the second computation to finish",
        log=log,
    )
    _wait_for(
        lambda: log.read_text(errors="replace").count(" succeeded in ") >= 2,
        timeout=WAIT_SECONDS,
        what="the second computation to succeed",
        log=log,
    )
    again = WeeklySnapshot.objects.get(process=o2c, week=WEEK)
    assert again.pk == snapshot.pk
    assert again.figures == snapshot.figures
    assert _rows(again) == rows


def test_a_process_without_statuses_is_left_out_of_the_beat_jobs(history, o2c):  # noqa: F811
    from metrics.flow import weekly_flow_metrics
    from opmodel.errors import InvalidInput
    from processes.models import Process

    empty = Process.objects.create(slug="being-set-up", name="Being set up")

    done = weekly_snapshots_current(now=NOW)
    assert "order-to-cash 2026-W48" in done and "being-set-up 2026-W48" not in done
    assert not WeeklySnapshot.objects.filter(process=empty).exists()
    with pytest.raises(InvalidInput):
        weekly_flow_metrics(process=empty, week=WEEK, now=NOW)
