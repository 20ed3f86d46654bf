"""Two reactivation scans at once (two beats, a task delivered twice) open one card per client:
both read the client as due before either writes, and the unique index of open reactivations
makes the second wait for the first's commit and then give way. PostgreSQL only (SQLite
serializes the writers, so there is no race to lose)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from processes.models import RequestCard
from sales.models import Reactivation
from sales.selectors import due as due_module
from sales.services import reactivation_scan
from sales.services import reactivations as scan_module

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]
SCANS = 2
T0 = datetime(2030, 2, 4, 10, tzinfo=UTC)


def test_two_scans_at_once_open_one_card_per_client(
    make_client, wholesale, retail, sam, order, reactivation, monkeypatch
):
    since = T0 - timedelta(days=200)
    clients = [
        make_client("Northwind", wholesale, sam, since=since),
        make_client("Delta", retail, sam, since=since),
    ]
    for client in clients:
        order(client, T0 - timedelta(days=90))
    both_read = threading.Barrier(SCANS, timeout=30)

    def due_then_wait(*, now):
        found = due_module.clients_due(now=now)
        both_read.wait()  # each scan has read every client as due before either writes
        return found

    monkeypatch.setattr(scan_module, "clients_due", due_then_wait)
    results, errors = [], []

    def scan():
        try:
            results.append(reactivation_scan(now=T0))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(SCANS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(len(r["opened"]) for r in results) == len(clients)
    assert sum(r["skipped"] for r in results) == len(clients)
    assert RequestCard.objects.filter(process=reactivation).count() == len(clients)
    for client in clients:
        assert Reactivation.objects.filter(client=client, closed_at=None).count() == 1
