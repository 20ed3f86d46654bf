"""Nothing is lost while the broker is down (issue 21, point 3), with a real worker and a real
Redis of the test's own (a second redis-server on a free port, stopped and started again; the
machine's own Redis is left alone): a notification written while Redis is down stays "to send",
the request waits a fraction of a second on it, and once Redis is back the periodic sweep sends
the e-mail, once however often it runs."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import Notification
from notifications.services import email_queue, notify
from notifications.tasks import emails_never_queued_send_task
from opmodel.celery import app as celery_app
from tests.metrics.conftest import WAIT_SECONDS, _reset_producer_pool, _wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    """A redis-server of the test's own, on a port no one else uses."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(monkeypatch):
    redis = Redis()
    redis.start()
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)
    celery_app.conf.update(
        broker_url=redis.url, broker_transport_options=settings.OPMODEL_BROKER_FAIL_FAST
    )
    _reset_producer_pool()
    yield redis
    redis.stop()
    celery_app.conf.update(saved)
    _reset_producer_pool()


def test_an_email_written_while_the_broker_is_down_is_sent_once_when_it_is_back(
    own_redis, start_worker, alice, tmp_path
):
    mail = tmp_path / "mail"
    mail.mkdir()
    _, log = start_worker({"CELERY_BROKER_URL": own_redis.url, "EMAIL_FILE_PATH": str(mail)})
    own_redis.stop()

    # Written two minutes ago, so the sweep does not leave it to an on_commit still queuing.
    (note,) = notify(
        users=[alice], kind="approval", text="Approval needed: #1 Drills",
        now=timezone.now() - timedelta(minutes=2),
    )  # fmt: skip
    note.refresh_from_db()
    assert (note.email_to_send, note.emailed_at) == (True, None)
    began = time.monotonic()
    with pytest.raises(OperationalError):  # what the request's on_commit met, and logged
        email_queue(notification_ids=[note.pk])
    waited = time.monotonic() - began
    assert waited < 0.6, f"the request waited {waited:.2f} s on the broker"

    own_redis.start()
    _reset_producer_pool()
    for _ in range(3):  # the beat's sweep, run more than once
        emails_never_queued_send_task.delay()
    _wait_for(
        lambda: log.read_text(errors="replace").count("emails_never_queued_send[") >= 6,
        timeout=WAIT_SECONDS,
        what="three sweeps to run",
        log=log,
    )

    assert len(list(mail.iterdir())) == 1
    assert "Approval needed: #1 Drills" in next(mail.iterdir()).read_text()
    note.refresh_from_db()
    assert note.email_to_send is False and note.emailed_at is not None
    assert Notification.objects.filter(email_to_send=True).count() == 0
