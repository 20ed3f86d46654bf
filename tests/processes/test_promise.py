"""The promise to the client on the card: set before agreeing, moved only with a reason (an
event in the history), kept or missed at shipment (processes/promises.py)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from opmodel.errors import InvalidInput
from processes.models import Event, EventKind, RequestCard
from processes.promises import KEPT, MISSED, ON_TRACK, promise_of
from processes.services import card_transition, card_update
from tests.conftest import settle

pytestmark = pytest.mark.django_db

# Wednesday 2026-11-18, 11:00 in Berlin.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def priced(priced_card, alice):
    for name in ["qualify", "price"]:
        card_transition(actor=alice, card=priced_card, name=name)
    return priced_card


def _promise_events(card):
    return list(
        Event.objects.filter(card=card, kind=EventKind.PROMISE_CHANGED).values_list(
            "data", "reason"
        )
    )


def test_setting_then_moving_the_promise_needs_a_reason_and_leaves_events(priced, alice):
    card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 20)})
    with pytest.raises(InvalidInput) as refused:
        card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 23)})
    assert refused.value.errors == {"promise_reason": ["Say why the promised date changes."]}
    priced.refresh_from_db()  # a refused change leaves the object read as it was typed
    card_update(
        actor=alice,
        card=priced,
        changes={"promised_on": date(2026, 11, 23)},
        promise_reason="The client asked for Monday.",
    )
    priced.refresh_from_db()
    assert priced.promised_on == date(2026, 11, 23)
    assert _promise_events(priced) == [
        ({"field": "promised_on", "old": "", "new": "2026-11-20"}, ""),
        (
            {"field": "promised_on", "old": "2026-11-20", "new": "2026-11-23"},
            "The client asked for Monday.",
        ),
    ]


def test_a_promise_is_not_set_in_the_past_nor_withdrawn(priced, alice):
    with pytest.raises(InvalidInput) as past:
        card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 17)})
    assert past.value.errors == {"promised_on": ["A promised date cannot be in the past."]}
    priced.refresh_from_db()
    card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 18)})
    with pytest.raises(InvalidInput) as withdrawn:
        card_update(actor=alice, card=priced, changes={"promised_on": None}, promise_reason="x")
    assert withdrawn.value.errors == {
        "promised_on": ["A promise can be moved, not withdrawn: give a date."]
    }


def _ship(card, alice, promised, shipped_at):
    card_update(actor=alice, card=card, changes={"promised_on": promised})
    for name in ["agree", "invoice"]:
        card_transition(actor=alice, card=card, name=name)
    settle(card)
    card_transition(actor=alice, card=card, name="fulfil", at=shipped_at)
    return RequestCard.objects.select_related("process").get(pk=card.pk)


def test_shipped_by_the_promised_date_keeps_the_promise(priced, alice):
    # Thursday 17:00 in Berlin, the promised day.
    card = _ship(priced, alice, date(2026, 11, 19), datetime(2026, 11, 19, 16, 0, tzinfo=UTC))
    assert card.shipped_on == date(2026, 11, 19)
    assert promise_of(card, now=NOW) == promise_of(card, now=NOW).__class__(
        date(2026, 11, 19), date(2026, 11, 19), KEPT
    )
    outcome = Event.objects.get(card=card, kind=EventKind.PROMISE_OUTCOME)
    assert outcome.data == {
        "outcome": "kept",
        "promised_on": "2026-11-19",
        "shipped_on": "2026-11-19",
        "days_late": 0,
        "in_full": True,
        "lines_short": 0,
    }


def test_shipped_after_the_promised_date_misses_it_by_local_days(priced, alice):
    # Saturday 23:30 UTC is already Sunday 00:30 in Berlin: three days late.
    card = _ship(priced, alice, date(2026, 11, 19), datetime(2026, 11, 21, 23, 30, tzinfo=UTC))
    promise = promise_of(card, now=NOW)
    assert (promise.expected_on, promise.state) == (date(2026, 11, 22), MISSED)
    outcome = Event.objects.get(card=card, kind=EventKind.PROMISE_OUTCOME)
    assert (outcome.data["outcome"], outcome.data["days_late"]) == ("missed", 3)
    with pytest.raises(InvalidInput) as refused:
        card_update(
            actor=alice, card=card, changes={"promised_on": date(2026, 11, 30)}, promise_reason="x"
        )
    assert list(refused.value.errors) == ["promised_on"]


def test_a_lost_card_has_no_promise_to_judge(priced, alice):
    card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 20)})
    card_transition(actor=alice, card=priced, name="mark_lost", lost_reason="Went elsewhere")
    card = RequestCard.objects.select_related("process").get(pk=priced.pk)
    assert promise_of(card, now=NOW) is None


def test_card_page_shows_the_promise_and_its_history(client, priced, alice):
    card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 20)})
    card_update(
        actor=alice,
        card=priced,
        changes={"promised_on": date(2026, 11, 24)},
        promise_reason="Client's warehouse closed on Friday.",
    )
    client.force_login(alice)
    page = client.get(reverse("card-detail", args=[priced.pk]))
    assert page.context["promise"].state == ON_TRACK
    html = page.content.decode()
    assert 'data-promise="on_track"' in html
    assert "Promised date changed" in html
    assert "Fri, Nov 20, 2026 \u2192 Tue, Nov 24, 2026" in html
    assert "Client&#x27;s warehouse closed on Friday." in html


def test_edit_form_moves_the_promise_with_its_reason(client, priced, alice):
    card_update(actor=alice, card=priced, changes={"promised_on": date(2026, 11, 20)})
    priced.refresh_from_db()
    client.force_login(alice)
    data = {
        "title": priced.title,
        "client": priced.client_id,
        "channel": priced.channel,
        "priority": priced.priority,
        "responsible": "",
        "discount_percent": "0",
        "payment_terms": "prepaid",
        "promised_on": "2026-11-25",
        "version": priced.version,
    }
    refused = client.post(reverse("card-edit", args=[priced.pk]), data)
    assert refused.status_code == 400
    assert "Say why the promised date changes." in refused.content.decode()
    saved = client.post(
        reverse("card-edit", args=[priced.pk]), {**data, "promise_reason": "Stock is late."}
    )
    assert saved.status_code == 302
    priced.refresh_from_db()
    assert priced.promised_on == date(2026, 11, 25)
