"""Ten warehouse members take one handed-off card at once on a threaded server (issue 24): one
gets 200 and the card, the others 409; one take in the history. PostgreSQL only, like
test_race_threaded.py (SQLite serializes the writers)."""

import threading

import pytest
import requests
from django.db import connection
from knox.models import AuthToken

from processes.models import EventKind, RequestCard
from processes.services import card_transition
from tests.stage_people import agreed_card, person

TAKERS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]


def test_ten_members_taking_one_card_get_one_success_and_conflicts(live_server, o2c, acme):
    oliver = person("oliver", process=o2c)
    card = agreed_card(o2c, oliver, acme)
    card_transition(actor=oliver, card=card, name="invoice")
    tokens = [
        AuthToken.objects.create(user=person(f"keeper{i}", group="Warehouse"))[1]
        for i in range(TAKERS)
    ]
    start, lock, codes = threading.Barrier(TAKERS), threading.Lock(), []

    def take(token):
        with requests.Session() as session:
            start.wait()
            answer = session.post(
                f"{live_server.url}/api/cards/{card.pk}/take/",
                headers={"Authorization": f"Token {token}"},
                timeout=60,
            )
        with lock:
            codes.append(answer.status_code)

    threads = [threading.Thread(target=take, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(codes) == [200] + [409] * (TAKERS - 1)
    card = RequestCard.objects.get(pk=card.pk)
    assert card.responsible.username.startswith("keeper")
    assert card.events.filter(kind=EventKind.ASSIGNMENT, data__taken=True).count() == 1
