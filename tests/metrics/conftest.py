"""Fixtures for tests that need a real Celery worker (see test_worker.py for the why)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from opmodel.celery import ALERTS_QUEUE, METRICS_QUEUE
from opmodel.celery import app as celery_app
from tests.metrics.alerting import card, dave, gina, raise_alerts, team  # noqa: F401 (fixtures)

WAIT_SECONDS = 60


def _reset_producer_pool() -> None:
    # Celery caches its producer pool with the broker options it first saw; drop it so the
    # next .delay() connects with the options in force now. (Celery does the same after a fork.)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def filesystem_broker(tmp_path, monkeypatch):
    """This process's producer writes to a fresh filesystem broker folder; returns the folder."""
    folder = tmp_path / "broker"
    for name in ("out", "processed", "control"):
        (folder / name).mkdir(parents=True)
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    celery_app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    )
    _reset_producer_pool()
    yield folder
    celery_app.conf.update(saved)
    _reset_producer_pool()


def _database_url() -> str:
    """The URL of the database this test runs on (the test database, once pytest-django made it)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "127.0.0.1"
        port = db["PORT"] or 5432
        return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"
    raise NotImplementedError(f"No URL for the database engine {db['ENGINE']}")


def _wait_for(predicate, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}. Worker log:\n{tail}")


# As scripts/run: one worker for both queues unless a test starts one per queue.
ALL_QUEUES = f"{ALERTS_QUEUE},{METRICS_QUEUE}"


@pytest.fixture
def start_worker(request, transactional_db, tmp_path):
    """A factory: each call starts `celery worker` against the test database and the configured
    broker and returns (process, log); every worker started is stopped at the end, whether the
    test passed or failed. `extra_env` adds settings, e.g. EMAIL_FILE_PATH."""
    started = []

    def start(extra_env: dict | None = None, name: str = "worker", queues: str = ALL_QUEUES):
        process, log = _start_worker(request, tmp_path, extra_env or {}, name, queues)
        started.append(process)
        return process, log

    yield start
    for process in started:
        _stop(process)


@pytest.fixture
def celery_worker_process(start_worker):
    """One worker for the test; yields its log file."""
    _, log = start_worker()
    yield log


def _start_worker(request, tmp_path, extra_env: dict, name: str, queues: str = ALL_QUEUES):
    env = dict(os.environ, DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="opmodel.settings")
    env.update(extra_env)
    env["OPMODEL_VAR_DIR"] = str(tmp_path / "var")
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = request.getfixturevalue("filesystem_broker")
        env["CELERY_BROKER_URL"] = "filesystem://"
        env["CELERY_BROKER_DIR"] = str(folder)
    log = tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "opmodel",
        "worker",
        "--pool",
        "solo",
        "--concurrency",
        "1",
        "--loglevel",
        "INFO",
        "--queues",
        queues,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        # Tasks left in a shared broker by earlier runs must not keep this worker busy.
        "--purge",
        "--hostname",
        f"test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # Wait for "ready.": before it the worker may still purge, and would drop our task.
        _wait_for(
            lambda: process.poll() is not None or " ready." in log.read_text(errors="replace"),
            timeout=WAIT_SECONDS,
            what="the worker to start",
            log=log,
        )
        if process.poll() is not None:
            pytest.fail(f"The worker exited with {process.returncode}:\n{log.read_text()}")
    except BaseException:
        _stop(process)
        raise
    return process, log


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
