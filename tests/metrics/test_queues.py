"""Alerts never wait behind reports: deadline, approval and notification tasks run on the
"alerts" queue, the weekly figures on "metrics", each with a worker of its own (as in
docker-compose.yml). A real worker per queue on the configured broker (filesystem locally,
Redis in CI)."""

import time
from datetime import UTC, datetime

import pytest

from metrics.models import Alert
from metrics.tasks import deadline_scan_task, weekly_snapshot_task
from opmodel.celery import ALERTS_QUEUE, METRICS_QUEUE
from opmodel.celery import app as celery_app
from processes.services import card_create
from tests.metrics.conftest import _wait_for

MONDAY_10_BERLIN = datetime(2026, 11, 23, 9, tzinfo=UTC)
AT_RISK = datetime(2026, 11, 23, 12, tzinfo=UTC)
BACKLOG = 120  # weekly snapshots: minutes of work for one worker


def _queue_of(name: str) -> str:
    return celery_app.amqp.router.route({}, name)["queue"].name


def test_tasks_are_routed_by_kind():
    assert _queue_of("metrics.tasks.deadline_scan") == ALERTS_QUEUE
    assert _queue_of("metrics.tasks.approval_escalation_scan") == ALERTS_QUEUE
    assert _queue_of("notifications.tasks.email_send") == ALERTS_QUEUE
    assert _queue_of("goals.tasks.checkins_overdue_notify") == ALERTS_QUEUE
    assert _queue_of("metrics.tasks.weekly_snapshot") == METRICS_QUEUE
    assert _queue_of("metrics.tasks.weekly_snapshots_catch_up") == METRICS_QUEUE
    assert _queue_of("metrics.tasks.weekly_snapshots_current") == METRICS_QUEUE
    assert _queue_of("flow.tasks.map_ledger_catch_up") == METRICS_QUEUE


def _succeeded(log, task: str) -> int:
    return sum(
        1
        for line in log.read_text(errors="replace").splitlines()
        if f"{task}[" in line and " succeeded in " in line
    )


@pytest.mark.worker
def test_a_deadline_alert_is_raised_while_metrics_are_busy(start_worker, o2c, alice, bob, acme):
    card = card_create(
        actor=alice, process=o2c, title="Cable order", client=acme, at=MONDAY_10_BERLIN
    )
    _, metrics_log = start_worker(name="metrics", queues=METRICS_QUEUE)
    _, alerts_log = start_worker(name="alerts", queues=ALERTS_QUEUE)
    for k in range(BACKLOG):
        weekly_snapshot_task.delay(o2c.pk, f"{2024 + k // 52}-W{k % 52 + 1:02d}")
    _wait_for(
        lambda: _succeeded(metrics_log, "metrics.tasks.weekly_snapshot") >= 1,
        timeout=60,
        what="the metrics worker to be busy",
        log=metrics_log,
    )

    sent = time.monotonic()
    deadline_scan_task.delay(now=AT_RISK.isoformat())
    _wait_for(
        lambda: Alert.objects.filter(card=card, level="at_risk").exists(),
        timeout=60,
        what="the at-risk alert",
        log=alerts_log,
    )
    assert time.monotonic() - sent < 60
    # The metrics worker still holds its backlog: the alert did not wait for it.
    assert _succeeded(metrics_log, "metrics.tasks.weekly_snapshot") < BACKLOG
    assert "metrics.tasks.deadline_scan[" not in metrics_log.read_text(errors="replace")
    assert "metrics.tasks.weekly_snapshot[" not in alerts_log.read_text(errors="replace")
