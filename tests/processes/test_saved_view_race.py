"""Two "Save view" with the same name at once: one saves, the other is told the name is taken
(409), never a 500. The look-before-insert let both pass the check, and the second insert met
the unique constraint. PostgreSQL only: SQLite serializes the writers."""

import threading

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from processes.models import SavedView

CLIENTS = 12
CSRF = "x" * 32

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]


def test_saving_one_view_name_at_once_answers_one_save_and_conflicts(live_server, alice):
    browser = Client()
    browser.force_login(alice)
    cookies = {
        settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: CSRF,
    }
    start = threading.Barrier(CLIENTS)
    codes = []

    def save():
        with requests.Session() as session:
            start.wait()
            answer = session.post(
                f"{live_server.url}/views/",
                data={"page": "board", "name": "Urgent", "query": "priority=urgent"},
                cookies=cookies,
                headers={"X-CSRFToken": CSRF, "Referer": live_server.url},
                allow_redirects=False,
                timeout=60,
            )
        codes.append(answer.status_code)

    threads = [threading.Thread(target=save) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes.count(302) == 1, sorted(codes)
    assert set(codes) <= {302, 409}, sorted(codes)
    assert SavedView.objects.filter(user=alice, name="Urgent").count() == 1
