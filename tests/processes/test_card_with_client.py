"""A card and the new client typed with it are written together, or not at all."""

from decimal import Decimal

import pytest

from opmodel.errors import Forbidden, InvalidInput
from processes.errors import CardConflict
from processes.models import Client, Event, EventKind, RequestCard
from processes.services import card_create, card_update


def test_a_new_client_is_made_with_the_card(o2c, alice):
    card = card_create(actor=alice, process=o2c, title="Drills", new_client_name="  Globex ")
    assert card.client == Client.objects.get(name="Globex")
    assert Event.objects.filter(card=card, kind=EventKind.CREATED).count() == 1


def test_an_invalid_card_leaves_no_client_behind(o2c, alice):
    with pytest.raises(InvalidInput) as refused:
        card_create(
            actor=alice,
            process=o2c,
            title="",
            new_client_name="Initech",
            discount_percent=Decimal("150"),
        )
    assert set(refused.value.errors) >= {"title", "discount_percent"}
    assert not Client.objects.filter(name="Initech").exists()
    assert not RequestCard.objects.exists()


def test_a_taken_client_name_is_an_error_on_the_new_client_field(o2c, alice, acme):
    with pytest.raises(InvalidInput) as refused:
        card_create(actor=alice, process=o2c, title="Drills", new_client_name="Acme Tools")
    assert list(refused.value.errors) == ["new_client_name"]
    assert not RequestCard.objects.exists()


def test_a_chosen_client_and_a_new_one_are_refused(o2c, alice, acme):
    with pytest.raises(InvalidInput) as refused:
        card_create(actor=alice, process=o2c, title="Drills", client=acme, new_client_name="Globex")
    assert list(refused.value.errors) == ["new_client_name"]
    assert not Client.objects.filter(name="Globex").exists()


def test_the_outsider_makes_neither_card_nor_client(o2c, charlie):
    with pytest.raises(Forbidden):
        card_create(actor=charlie, process=o2c, title="Drills", new_client_name="Globex")
    assert not Client.objects.filter(name="Globex").exists()


def test_an_edit_with_a_new_client_records_the_change(make_card, alice):
    card = make_card()
    card_update(actor=alice, card=card, changes={}, new_client_name="Globex")
    card.refresh_from_db()
    assert card.client.name == "Globex"
    change = Event.objects.get(card=card, kind=EventKind.FIELD_CHANGE)
    assert change.data == {
        "field": "client",
        "old": "",
        "new": "Globex",
        "old_id": None,
        "new_id": change.card.client_id,
    }


def test_a_refused_edit_leaves_no_client_behind(make_card, alice):
    card = make_card()
    with pytest.raises(InvalidInput):
        card_update(
            actor=alice,
            card=card,
            changes={"discount_percent": Decimal("150")},
            new_client_name="Globex",
        )
    assert not Client.objects.filter(name="Globex").exists()


def test_an_edit_that_loses_a_race_leaves_no_client_behind(make_card, alice):
    card = make_card()
    stale = RequestCard.objects.get(pk=card.pk)
    card_update(actor=alice, card=card, changes={"title": "Drills, twice"})
    with pytest.raises(CardConflict):
        card_update(actor=alice, card=stale, changes={}, new_client_name="Globex")
    assert not Client.objects.filter(name="Globex").exists()
