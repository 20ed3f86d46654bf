"""/health/: the database, the broker and the workers' heartbeats, for a signed-in user or a
probe with the health token; 200 when all are ok, 503 otherwise.

The broker is pointed at what each test needs: a fresh filesystem broker folder, or a Redis
server the test starts itself on a free port (never the machine's own Redis on 6379).
"""

import shutil
import socket
import subprocess
import time

import pytest
import time_machine
from django.urls import reverse

from metrics.services import HEARTBEAT_DEADLINE_SCAN, HEARTBEAT_WORKER, heartbeat_record
from opmodel.celery import app as celery_app

pytestmark = pytest.mark.django_db

HEALTH = "/health/"
TOKEN = "probe-token-0123456789"


def _set_broker(monkeypatch, url: str, options: dict) -> None:
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    for key, value in (("broker_url", url), ("broker_transport_options", options)):
        monkeypatch.setitem(celery_app.conf, key, value)


@pytest.fixture
def filesystem_broker(tmp_path, monkeypatch):
    folder = tmp_path / "broker"
    for name in ("out", "processed", "control"):
        (folder / name).mkdir(parents=True)
    _set_broker(
        monkeypatch,
        "filesystem://",
        {
            "data_folder_in": str(folder / "out"),
            "data_folder_out": str(folder / "out"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
        },
    )
    return folder


@pytest.fixture
def beats():
    heartbeat_record(name=HEARTBEAT_WORKER)
    heartbeat_record(name=HEARTBEAT_DEADLINE_SCAN)


@pytest.fixture
def token(settings):
    settings.OPMODEL_HEALTH_TOKEN = TOKEN
    return TOKEN


def statuses(answer) -> dict[str, str]:
    return {name: c["status"] for name, c in answer.json()["components"].items()}


# ------------------------------------------------------------------ who may look


def test_anonymous_probe_is_refused(client, token):
    answer = client.get(HEALTH)

    assert answer.status_code == 401
    assert "components" not in answer.json()


def test_anonymous_browser_is_sent_to_login(client, token):
    answer = client.get(HEALTH, HTTP_ACCEPT="text/html")

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


def test_token_in_header_or_query(client, token, filesystem_broker, beats):
    by_header = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    by_query = client.get(HEALTH, {"token": TOKEN})

    assert by_header.status_code == by_query.status_code == 200
    assert by_header.json()["status"] == "ok"


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"HTTP_AUTHORIZATION": "Bearer wrong"}, {}),
        ({"HTTP_AUTHORIZATION": f"Token {TOKEN}"}, {}),
        ({}, {"token": TOKEN[:-1]}),
        ({}, {"token": ""}),
    ],
)
def test_wrong_token_is_refused(client, token, headers, query):
    assert client.get(HEALTH, query, **headers).status_code == 401


def test_no_token_is_accepted_when_none_is_configured(client, settings):
    settings.OPMODEL_HEALTH_TOKEN = ""

    assert client.get(HEALTH, HTTP_AUTHORIZATION="Bearer ").status_code == 401
    assert client.get(HEALTH, {"token": ""}).status_code == 401


@pytest.fixture
def staff(charlie):
    charlie.is_staff = True
    charlie.save()
    return charlie


def test_staff_sees_the_details(client, staff, filesystem_broker, beats):
    client.force_login(staff)

    answer = client.get(HEALTH)

    assert answer.status_code == 200
    assert statuses(answer) == {
        "database": "ok",
        "broker": "ok",
        "deadline_scan": "ok",
        "worker": "ok",
        "stock_ledger": "ok",  # the stock app's check (its own tests in tests/stock)
    }


def test_other_signed_in_users_see_the_bare_status(client, charlie, filesystem_broker):
    client.force_login(charlie)

    answer = client.get(HEALTH)
    page = client.get(HEALTH, HTTP_ACCEPT="text/html")

    # The worker never ran here: down, but not which part or since when.
    assert answer.status_code == page.status_code == 503
    assert answer.json() == {"status": "down"}
    html = page.content.decode()
    assert "Something is down" in html and "data-component" not in html


def test_html_for_a_browser(client, staff, filesystem_broker, beats):
    client.force_login(staff)

    answer = client.get(HEALTH, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/html")
    html = answer.content.decode()
    assert "All up" in html and 'data-component="deadline_scan"' in html


def test_takes_get_only(client, token):
    assert client.post(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


# ------------------------------------------------------------------ what it says


def test_never_run_scan_and_worker_are_down(client, token, filesystem_broker):
    answer = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "down"
    assert body["components"]["deadline_scan"] == {
        "status": "down",
        "last_seen": None,
        "error": "Never ran.",
    }
    assert statuses(answer)["worker"] == "down"
    assert statuses(answer)["database"] == "ok"


def test_old_heartbeats_are_stale(client, token, filesystem_broker):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False):
        heartbeat_record(name=HEARTBEAT_WORKER)
        heartbeat_record(name=HEARTBEAT_DEADLINE_SCAN)
    with time_machine.travel("2026-03-02 09:04:00Z", tick=False):
        fresh = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    with time_machine.travel("2026-03-02 09:06:00Z", tick=False):
        heartbeat_record(name=HEARTBEAT_WORKER)
        stale = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert fresh.status_code == 200
    assert stale.status_code == 503
    assert statuses(stale) == {
        "database": "ok",
        "broker": "ok",
        "deadline_scan": "stale",
        "worker": "ok",
        "stock_ledger": "ok",  # the stock app's check (its own tests in tests/stock)
    }
    assert stale.json()["components"]["deadline_scan"]["last_seen"] == "2026-03-02T09:00:00+00:00"


def test_unwritable_filesystem_broker_is_down(client, token, filesystem_broker, beats):
    shutil.rmtree(filesystem_broker / "processed")

    answer = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert answer.status_code == 503
    assert statuses(answer)["broker"] == "down"
    assert answer.json()["components"]["broker"]["error"] == (
        "A broker folder is missing or not writable."
    )
    assert str(filesystem_broker) not in answer.content.decode()  # the log has it


# ------------------------------------------------------------------ a real Redis going down


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    pytest.fail(f"redis-server did not listen on {port} within {timeout:.0f} s")


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, on a free port; stopped at the end whatever happens."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_redis_broker_up_then_down(client, token, beats, own_redis, monkeypatch):
    process, port = own_redis
    _set_broker(monkeypatch, f"redis://127.0.0.1:{port}/0", {})

    up = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    process.terminate()
    process.wait(timeout=10)
    started = time.monotonic()
    down = client.get(HEALTH, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert up.status_code == 200, up.json()
    assert statuses(up)["broker"] == "ok"
    assert down.status_code == 503
    assert statuses(down) == {
        "database": "ok",
        "broker": "down",
        "deadline_scan": "ok",
        "worker": "ok",
        "stock_ledger": "ok",  # the stock app's check (its own tests in tests/stock)
    }
    assert down.json()["components"]["broker"]["error"].startswith("The broker cannot be reached")
    # Never the broker's address, not even to the probe (the log has it).
    assert str(port) not in down.content.decode()
    assert "127.0.0.1" not in down.content.decode()
    assert time.monotonic() - started < 5, "the probe must answer within seconds"


def test_heartbeats_read_in_one_query(
    client, charlie, filesystem_broker, beats, django_assert_num_queries
):
    client.force_login(charlie)
    # session, user, SELECT 1, heartbeats, the last stock check
    with django_assert_num_queries(5):
        assert client.get(HEALTH).status_code == 200
