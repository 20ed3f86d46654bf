"""Two designers save a change to one process at once, both from a page showing version 0: one
change is applied, the other refused with the conflict (never applied over it). PostgreSQL
only: SQLite serializes the writers, so there is no race to lose."""

import threading

import pytest
from django.db import close_old_connections, connection

from designer.services import DesignConflict, design_change
from processes.models import DefinitionVersion, SLAPolicy

pytestmark = [
    # serialized_rollback: this file runs before tests/e2e/ (whose browser tests reload the
    # serialized database); without it, the flush after this test would make the content
    # types again and their reload would collide.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a real race needs PostgreSQL (CI runs it)"
    ),
]


def test_of_two_designers_from_one_version_the_second_gets_the_conflict(
    o2c, bob, django_user_model
):
    from roles.models import ProcessRole, RoleKind

    dora = django_user_model.objects.create_user("dora")
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ACCOUNTABLE, user=dora)
    start = threading.Barrier(2)
    outcomes = {}

    def edit(person, minutes):
        def change():
            policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
            policy.allowance_minutes = minutes
            policy.save()

        try:
            start.wait()
            design_change(process=o2c, by=person, seen_version=0, change=change)
            outcomes[person.username] = "applied"
        except DesignConflict as conflict:
            outcomes[person.username] = conflict.current
        except Exception as error:  # noqa: BLE001 (reported below)
            outcomes[person.username] = error
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=edit, args=(bob, 8 * 60)),
        threading.Thread(target=edit, args=(dora, 12 * 60)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values(), key=str) == [2, "applied"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "applied")
    versions = list(DefinitionVersion.objects.filter(process=o2c).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].by.username == winner
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    assert policy.allowance_minutes == {"bob": 8 * 60, "dora": 12 * 60}[winner]
