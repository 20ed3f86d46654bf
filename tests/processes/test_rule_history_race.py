"""Two editors change one process's rules at once (issue 26, point 4): each version names its
own change only, numbered one after the other. PostgreSQL only: SQLite serializes the writers.
The second editor waits for the first's commit at its first change (the process row's lock)."""

import threading

import pytest
from django.db import close_old_connections, connection

from processes.models import DefinitionVersion, SLAPolicy
from processes.versions import BASELINE, definition_changes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]


def test_two_editors_at_once_get_one_version_each_with_their_own_words(o2c, bob, alice):
    start = threading.Barrier(2)
    errors = []

    def edit(person, status, minutes):
        try:
            start.wait()
            with definition_changes(by=person):
                policy = SLAPolicy.objects.get(process=o2c, status__slug=status, priority="")
                policy.allowance_minutes = minutes
                policy.save()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=edit, args=(bob, "priced", 8 * 60)),
        threading.Thread(target=edit, args=(alice, "qualified", 4 * 60)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    versions = list(DefinitionVersion.objects.filter(process=o2c).order_by("number"))
    assert versions[0].changes == [BASELINE]
    words = {v.by.username: v.changes for v in versions[1:]}
    assert words == {
        "bob": ["SLA of Priced: 16 -> 8 business hours"],
        "alice": ["SLA of Qualified: 8 -> 4 business hours"],
    }
    assert [v.number for v in versions] == [1, 2, 3]
