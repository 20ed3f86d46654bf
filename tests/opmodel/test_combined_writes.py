"""opmodel.combined_writes: an INSERT and an UPDATE of other rows sent together."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from notifications.models import Notification
from opmodel.combined_writes import bulk_create_with_update
from processes.models import Event, EventKind

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def alerts(alice):
    def alert(subject, **data):
        return Notification.objects.create(
            user=alice, kind="alert", text="At risk", subject=subject, data=data
        )

    return [
        alert("card:1", clears_on_move=True),
        alert("card:1", clears_on_move=False),
        alert("card:2", clears_on_move=True),
    ]


def _events(card, actor):
    return [
        Event(card=card, kind=EventKind.COMMENT, actor=actor, at=NOW, comment=text)
        for text in ("first", "second")
    ]


def test_the_rows_are_inserted_with_their_ids_and_the_others_updated(
    alice, make_card, alerts, django_assert_num_queries
):
    card = make_card()
    events = _events(card, alice)
    rows = Notification.objects.filter(subject="card:1", data__clears_on_move=True)
    # One statement on PostgreSQL (WITH changed AS (UPDATE ...) INSERT ... RETURNING id).
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        returned = bulk_create_with_update(events, rows=rows, values={"read_at": NOW})
    assert returned is events
    stored = list(Event.objects.filter(kind=EventKind.COMMENT).order_by("id"))
    assert [(e.pk, e.comment) for e in stored] == [(e.pk, e.comment) for e in events]
    assert all(e.pk is not None and not e._state.adding for e in events)
    read = {n.pk: n.read_at for n in Notification.objects.all()}
    assert read == {alerts[0].pk: NOW, alerts[1].pk: None, alerts[2].pk: None}


def test_an_update_filtered_over_a_join_is_still_one_statement(
    alice, make_card, alerts, django_assert_num_queries
):
    rows = Notification.objects.filter(user__username="alice", subject="card:2")
    events = _events(make_card(), alice)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        bulk_create_with_update(events, rows=rows, values={"read_at": NOW})
    assert list(Notification.objects.filter(read_at=NOW)) == [alerts[2]]
    assert Event.objects.filter(kind=EventKind.COMMENT).count() == 2
