"""The deadline scan through real Celery workers on the configured broker (filesystem locally,
Redis in CI): one alert per level whatever runs twice, and nothing lost when a worker is killed
in the middle of a scan. The clock is moved by handing the task its instant (`now`)."""

import os
import signal
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from metrics.models import Alert
from metrics.tasks import deadline_scan_task
from notifications.models import Notification
from processes.services import card_create
from roles.models import ProcessRole, RoleKind
from tests.metrics.conftest import WAIT_SECONDS, _wait_for

pytestmark = pytest.mark.worker

MONDAY_10_BERLIN = datetime(2026, 11, 23, 9, tzinfo=UTC)
AT_RISK = datetime(2026, 11, 23, 12, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 13, 0, 1, tzinfo=UTC)  # a second after the deadline: breached


@pytest.fixture
def team(o2c, alice, bob):
    dave = get_user_model().objects.create_user("dave", "dave@example.com", "pw")
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ESCALATION, user=dave)
    return alice


def _succeeded(logs) -> int:
    """Deadline scans the workers logged as finished."""
    return sum(
        1
        for log in logs
        for line in log.read_text(errors="replace").splitlines()
        if "metrics.tasks.deadline_scan[" in line and " succeeded in " in line
    )


def _wait_succeeded(logs, count):
    _wait_for(
        lambda: _succeeded(logs) >= count,
        timeout=WAIT_SECONDS,
        what=f"{count} deadline scans to finish",
        log=logs[0],
    )


def _mail_recipients(folder) -> list[str]:
    if not folder.exists():
        return []
    return sorted(
        line[len("To: ") :].strip()
        for path in folder.iterdir()
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("To: ")
    )


def _wait_mails(folder, expected, logs):
    """The e-mails leave in a task of their own, queued when the scan commits."""
    _wait_for(
        lambda: _mail_recipients(folder) == expected,
        timeout=WAIT_SECONDS,
        what=f"the e-mails to {expected}",
        log=logs[0],
    )


def test_two_workers_raise_each_level_once(start_worker, tmp_path, o2c, team, acme):
    card = card_create(
        actor=team, process=o2c, title="Cable order", client=acme, at=MONDAY_10_BERLIN
    )
    mail = tmp_path / "mail"
    env = {"EMAIL_FILE_PATH": str(mail)}
    logs = [start_worker(env, "one")[1], start_worker(env, "two")[1]]

    deadline_scan_task.delay(now=AT_RISK.isoformat())
    deadline_scan_task.delay(now=AT_RISK.isoformat())
    _wait_succeeded(logs, 2)
    assert list(Alert.objects.values_list("card_id", "level")) == [(card.pk, "at_risk")]
    # Nobody is responsible for the card: its accountable and the escalation role hear.
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["bob", "dave"]
    _wait_mails(mail, ["bob@example.com", "dave@example.com"], logs)

    deadline_scan_task.delay(now=DUE.isoformat())
    deadline_scan_task.delay(now=DUE.isoformat())
    _wait_succeeded(logs, 4)
    assert sorted(Alert.objects.values_list("level", flat=True)) == ["at_risk", "breached"]
    breached = Notification.objects.filter(data__level="breached")
    assert sorted(breached.values_list("user__username", flat=True)) == ["alice", "bob", "dave"]
    _wait_mails(
        mail,
        [
            "alice@example.com",
            "bob@example.com",
            "bob@example.com",
            "dave@example.com",
            "dave@example.com",
        ],
        logs,
    )


def test_a_worker_killed_mid_scan_loses_no_alert(start_worker, o2c, team, acme):
    cards = 40
    for n in range(cards):
        card_create(actor=team, process=o2c, title=f"Order {n}", client=acme, at=MONDAY_10_BERLIN)
    process, log = start_worker(name="doomed")
    # Small throttled batches: the scan takes seconds, so it can be killed half-way.
    deadline_scan_task.delay(now=AT_RISK.isoformat(), batch_size=4, throttle=0.5)
    _wait_for(
        lambda: Alert.objects.exists(),
        timeout=WAIT_SECONDS,
        what="the first batch of alerts",
        log=log,
    )
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)
    partial = Alert.objects.count()
    assert 0 < partial < cards

    _, log = start_worker(name="successor")
    deadline_scan_task.delay(now=AT_RISK.isoformat())
    _wait_succeeded([log], 1)
    assert Alert.objects.count() == cards
    assert Alert.objects.values("card_id").distinct().count() == cards
    # Every alert notified exactly once: executor and accountable, no duplicates.
    assert Notification.objects.count() == 2 * cards
