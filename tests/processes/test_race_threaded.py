"""Every loser of a race gets 409 (or a 400 refusal), on a threaded server (issue 15, point 3).

Thirty clients move one card at once through Django's live server, which answers each request
in its own thread, as the development server does. django-fsm's own `refresh_from_db` switches
the status field's protection off and on for the whole model class, so two threads refreshing
at once made one of them fail with "Direct status modification is not allowed" (a 500).
PostgreSQL only: SQLite serializes the writers, so the race this guards against never happens.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
import requests
from django.db import connection
from knox.models import AuthToken

from processes.models import RequestCard
from processes.services import card_item_add
from tests.conftest import settle

CLIENTS = 30
PATH = ["qualify", "price", "agree", "invoice", "fulfil", "close"]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]


def _move_all_at_once(url: str, token: str) -> list[int]:
    start = threading.Barrier(CLIENTS)
    codes = []
    lock = threading.Lock()

    def move():
        with requests.Session() as session:
            start.wait()
            answer = session.post(url, headers={"Authorization": f"Token {token}"}, timeout=60)
        with lock:
            codes.append(answer.status_code)

    threads = [threading.Thread(target=move) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_thirty_clients_moving_one_card_get_one_success_and_conflicts(
    live_server, alice, make_card, acme
):
    card = make_card(client=acme, shipment_date="2027-03-01", promised_on=date(2027, 3, 1))
    card_item_add(
        actor=alice,
        card=card,
        product="Drill",
        quantity=Decimal("2"),
        unit_price=Decimal("100.00"),
        unit_cost=Decimal("60.00"),
    )
    _, token = AuthToken.objects.create(user=alice)

    for name in PATH:
        if name in ("fulfil", "close"):
            settle(card)  # prepaid ships, and a card closes, paid in full (tests/finance/)
        codes = _move_all_at_once(
            f"{live_server.url}/api/cards/{card.pk}/transitions/{name}/", token
        )

        assert codes.count(200) == 1, (name, sorted(codes))
        assert set(codes) <= {200, 400, 409}, (name, sorted(codes))

    card = RequestCard.objects.get(pk=card.pk)
    assert card.status == "closed"
    assert card.events.filter(kind="transition").count() == len(PATH)
