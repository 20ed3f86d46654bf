"""Forty identical check-ins at once (a double click, a client's retries) make one row, and
every answer is a success. PostgreSQL only: SQLite serializes the writers."""

import threading

import pytest
import requests
from django.db import connection
from knox.models import AuthToken

CLIENTS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]


def test_identical_check_ins_at_once_make_one_row(live_server, make_goal, add_kr, bob):
    kr = add_kr(make_goal(owner=bob), "intake", target=30)
    _, token = AuthToken.objects.create(user=bob)
    start = threading.Barrier(CLIENTS)
    codes = []

    def check_in():
        with requests.Session() as session:
            start.wait()
            answer = session.post(
                f"{live_server.url}/api/key-results/{kr.pk}/check-ins/",
                json={"confidence": 7, "comment": "On track"},
                headers={"Authorization": f"Token {token}"},
                timeout=60,
            )
        codes.append(answer.status_code)

    threads = [threading.Thread(target=check_in) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [201] * CLIENTS
    assert kr.check_ins.count() == 1
