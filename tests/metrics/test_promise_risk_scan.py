"""The promise-risk scan: at risk is told once per spell to the responsible person and the
accountable; a spell ends when the card is back on track (metrics/services/promise_risks.py)."""

from datetime import date

import pytest
import time_machine

from metrics.services.promise_risks import promise_risk_scan
from notifications.models import Notification
from processes.models import Event, EventKind, RequestCard
from processes.services import card_update
from tests.metrics.promise_history import NOW, build_history, utc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def promised(o2c, make_card, alice, bob):
    """Agreed since 9:00 today, expected Thursday (see promise_history), promised today."""
    build_history(make_card)
    card = make_card("Promised order", at=utc(11, 18, 8), responsible=alice)
    RequestCard.objects.filter(pk=card.pk).update(
        status="agreed", status_changed_at=utc(11, 18, 8), promised_on=date(2026, 11, 18)
    )
    return RequestCard.objects.get(pk=card.pk)


def _told(user):
    return list(
        Notification.objects.filter(user=user, kind="promise").values_list("text", flat=True)
    )


def _spell_events(card):
    return list(
        Event.objects.filter(
            card=card, kind__in=[EventKind.PROMISE_AT_RISK, EventKind.PROMISE_ON_TRACK]
        ).values_list("kind", "data")
    )


def test_at_risk_is_told_once_per_spell(promised, alice, bob, olga):
    assert promise_risk_scan(now=NOW) == {"at_risk": 1, "on_track": 0}
    text = (
        f"Promise at risk: #{promised.pk} Promised order is expected 2026-11-19, "
        "promised 2026-11-18."
    )
    assert _told(alice) == [text] and _told(bob) == [text]
    assert _told(olga) == []  # an approver is neither responsible nor accountable
    # The next runs find it still at risk: nothing new.
    assert promise_risk_scan(now=NOW) == {"at_risk": 0, "on_track": 0}
    assert len(_told(alice)) == 1
    promised.refresh_from_db()
    assert promised.promise_risk_since == NOW

    # Moved to Thursday: back on track, the spell ends (no one is told).
    card_update(
        actor=alice,
        card=promised,
        changes={"promised_on": date(2026, 11, 19)},
        promise_reason="The client accepts Thursday.",
    )
    assert promise_risk_scan(now=NOW) == {"at_risk": 0, "on_track": 1}
    promised.refresh_from_db()
    assert promised.promise_risk_since is None

    # Brought forward to today again: a new spell, told again.
    card_update(
        actor=alice,
        card=promised,
        changes={"promised_on": date(2026, 11, 18)},
        promise_reason="The client needs it today after all.",
    )
    assert promise_risk_scan(now=NOW) == {"at_risk": 1, "on_track": 0}
    assert len(_told(alice)) == 2 and len(_told(bob)) == 2
    expected = {"promised_on": "2026-11-18", "expected_on": "2026-11-19"}
    assert _spell_events(promised) == [
        (EventKind.PROMISE_AT_RISK, expected),
        (EventKind.PROMISE_ON_TRACK, {"promised_on": "2026-11-19", "expected_on": "2026-11-19"}),
        (EventKind.PROMISE_AT_RISK, expected),
    ]


def test_cards_on_track_shipped_or_lost_are_left_alone(promised, alice):
    RequestCard.objects.filter(pk=promised.pk).update(promised_on=date(2026, 11, 20))
    assert promise_risk_scan(now=NOW) == {"at_risk": 0, "on_track": 0}
    RequestCard.objects.filter(pk=promised.pk).update(promised_on=date(2026, 11, 18), status="lost")
    assert promise_risk_scan(now=NOW) == {"at_risk": 0, "on_track": 0}
    assert _told(alice) == []
