"""opmodel.claims: one conditional UPDATE claims due rows, so a row is worked once."""

from datetime import UTC, datetime

import pytest

from metrics.models import Alert
from opmodel.claims import claim

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(make_card):
    card = make_card()
    return [
        Alert.objects.create(card=card, status="new", visit=visit, level="breached", due_at=NOW)
        for visit in (1, 2, 3)
    ]


def test_a_row_is_claimed_once_and_keeps_its_first_stamp(alerts):
    rows = Alert.objects.filter(card_id__in=[alerts[0].card_id])
    assert sorted(claim(rows, stamp="notified_at", at=NOW)) == [a.pk for a in alerts]
    assert claim(rows, stamp="notified_at", at=datetime(2026, 11, 24, tzinfo=UTC)) == []
    assert set(Alert.objects.values_list("notified_at", flat=True)) == {NOW}


def test_a_batch_claims_its_slice_and_the_next_call_the_rest(alerts):
    due = Alert.objects.filter(notified_at__isnull=True).order_by("id")
    assert sorted(claim(due[:2], stamp="notified_at", at=NOW)) == [alerts[0].pk, alerts[1].pk]
    assert claim(due[:2], stamp="notified_at", at=NOW) == [alerts[2].pk]
    assert claim(due[:2], stamp="notified_at", at=NOW) == []


def test_nothing_to_claim_in_an_empty_list(alerts):
    assert claim(Alert.objects.filter(card_id__in=[]), stamp="notified_at", at=NOW) == []
