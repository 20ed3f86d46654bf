"""A real Celery worker, in its own process, runs a task sent from here and writes to the test
database. No eager mode: this is the path production takes (producer -> broker -> worker).

The broker is the configured one: the filesystem broker by default, pointed at a fresh folder
per test so that no other worker (say a `scripts/run` in the same checkout) can take the task;
Redis when CELERY_BROKER_URL is set (CI). The worker reaches the test database through a
DATABASE_URL built from the test connection (`test_<name>` on PostgreSQL, the test run's SQLite
file otherwise: see the TEST NAME in opmodel/settings.py).
"""

import uuid

import pytest

from metrics.models import WorkerHeartbeat
from metrics.tasks import worker_heartbeat
from tests.metrics.conftest import WAIT_SECONDS, _wait_for


@pytest.mark.worker
def test_worker_runs_heartbeat_sent_with_delay(celery_worker_process):
    name = f"integration-{uuid.uuid4().hex[:12]}"

    worker_heartbeat.delay(name=name)

    _wait_for(
        lambda: WorkerHeartbeat.objects.filter(name=name).exists(),
        timeout=WAIT_SECONDS,
        what=f"the worker to write the heartbeat {name!r}",
        log=celery_worker_process,
    )


def test_delay_without_a_worker_queues_the_task(db, filesystem_broker):
    # People keep working when the worker is down: sending only writes a message file.
    worker_heartbeat.delay(name="nobody-listens")

    assert len(list((filesystem_broker / "out").iterdir())) == 1
    assert not WorkerHeartbeat.objects.filter(name="nobody-listens").exists()
