"""The token endpoint's rate counts per real client address, in a cache every worker shares
(issue 21, point 6). gunicorn runs two workers that each answer one request and are replaced
(--max-requests 1), so no two requests share a process's memory: only a shared cache counts
them all. Without a trusted proxy, a spoofed X-Forwarded-For is not a new address."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

RATE = 3
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_workers(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "OPMODEL_API_TOKEN_RATE": f"{RATE}/minute",
        "OPMODEL_LOGIN_FAILURE_LIMIT": "1000",  # django-axes is not what this counts
        "OPMODEL_TRUSTED_PROXY_COUNT": "0",
        "OPMODEL_VAR_DIR": str(tmp_path),
    }
    env.pop("OPMODEL_CACHE_URL", None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "opmodel.wsgi",
            "--workers",
            "2",
            "--max-requests",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/api/auth/token/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(url.replace("/api/auth/token/", "/accounts/login/"), timeout=60)
            break
        except requests.RequestException:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_the_token_rate_holds_across_worker_processes_and_spoofed_addresses(two_workers):
    answers = []
    for n in range(2 * RATE):
        answer = requests.post(
            two_workers,
            json={"username": "nobody", "password": "wrong"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=120,  # a fresh worker answers each: slow to start on a loaded machine
        )
        answers.append(answer.status_code)

    assert answers[:RATE] == [400] * RATE
    assert answers[RATE:] == [429] * RATE
