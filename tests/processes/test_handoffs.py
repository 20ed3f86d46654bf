"""Handoffs by stage (issue 24, point 4): entering a stage status hands the card to its group,
unassigned or to the least loaded member; the take and its race; who may act after a handoff."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from opmodel.errors import Forbidden
from processes.errors import CardConflict
from processes.models import EventKind, RequestCard, StageAssignment, Status
from processes.selectors import cards_visible_to
from processes.services import card_transition, card_transition_options
from processes.services.handoffs import card_take, waiting_for_pickup
from tests.conftest import settle
from tests.stage_people import agreed_card, person


@pytest.fixture
def oliver(o2c):
    return person("oliver", process=o2c)


@pytest.fixture
def wanda(o2c):
    return person("wanda", group="Warehouse")


@pytest.fixture
def wes(o2c):
    return person("wes", group="Warehouse")


@pytest.fixture
def handed(o2c, oliver, acme, wanda, wes):
    """A card oliver was responsible for, invoiced: now waiting in Warehouse's queue."""
    card = agreed_card(o2c, oliver, acme)
    card_transition(actor=oliver, card=card, name="invoice")
    settle(card)  # the prepaid invoice paid: the warehouse may ship
    return RequestCard.objects.get(pk=card.pk)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_order_to_cash_names_its_stage_roles(o2c):
    stages = dict(
        Status.objects.filter(process=o2c, stage_group__isnull=False).values_list(
            "slug", "stage_group__name"
        )
    )
    assert stages == {"awaiting_payment": "Warehouse", "fulfilled": "Finance"}


def test_entering_a_stage_status_hands_the_card_to_the_group_unassigned(handed, oliver):
    assert handed.status == "awaiting_payment"
    assert handed.responsible_id is None
    assert waiting_for_pickup(handed) is True
    warehouse = Group.objects.get(name="Warehouse")
    handoff = handed.events.get(kind=EventKind.HANDOFF)
    assert handoff.actor == oliver
    assert handoff.to_status == "awaiting_payment"
    assert handoff.data == {
        "from": "oliver",
        "to": "Warehouse",
        "to_group_id": warehouse.pk,
        "assigned": "",
        "rule": "queue",
    }
    last = handed.events.filter(kind=EventKind.ASSIGNMENT).last()
    assert last.data == {"field": "responsible", "old": "oliver", "new": "", "handoff": True}


def test_a_move_writes_its_event_and_its_handoff_in_one_insert(o2c, oliver, acme, wanda):
    card = agreed_card(o2c, oliver, acme)
    with CaptureQueriesContext(connection) as captured:
        card_transition(actor=oliver, card=card, name="invoice")
    # On PostgreSQL the INSERT comes after the alerts' UPDATE in one statement (WITH ...).
    inserts = [q["sql"] for q in captured if 'INSERT INTO "processes_event"' in q["sql"]]
    assert len(inserts) == 1
    # The history's order (at, id): the move, then the handoff and the assignment it made.
    latest = list(card.events.order_by("-at", "-id")[:3])[::-1]
    assert [e.kind for e in latest] == [
        EventKind.TRANSITION,
        EventKind.HANDOFF,
        EventKind.ASSIGNMENT,
    ]
    assert len({e.at for e in latest}) == 1


def test_least_loaded_rule_assigns_the_member_with_fewest_open_cards(o2c, oliver, acme, wanda, wes):
    status = Status.objects.get(process=o2c, slug="awaiting_payment")
    status.stage_assignment = StageAssignment.LEAST_LOADED
    status.save()
    o2c.refresh_from_db()  # its new definition version
    # A tie (no open card each): the lower id, wanda.
    first = agreed_card(o2c, oliver, acme, title="First")
    card_transition(actor=oliver, card=first, name="invoice")
    settle(first)  # the prepaid invoice paid: the warehouse may ship
    assert first.responsible == wanda
    # wanda has one open card now, wes none: wes.
    second = agreed_card(o2c, oliver, acme, title="Second")
    card_transition(actor=oliver, card=second, name="invoice")
    settle(second)  # the prepaid invoice paid: the warehouse may ship
    assert second.responsible == wes
    # A finished card does not count: once wes's card is lost he carries none open again.
    lost = RequestCard.objects.get(pk=second.pk)
    card_transition(actor=wes, card=lost, name="mark_lost", lost_reason="Cancelled")
    third = agreed_card(o2c, oliver, acme, title="Third")
    card_transition(actor=oliver, card=third, name="invoice")
    settle(third)  # the prepaid invoice paid: the warehouse may ship
    assert third.responsible == wes
    handoff = third.events.get(kind=EventKind.HANDOFF)
    assert (handoff.data["assigned"], handoff.data["rule"]) == ("wes", "least_loaded")
    assert waiting_for_pickup(RequestCard.objects.get(pk=third.pk)) is False


def test_the_previous_responsible_reads_but_does_not_act(handed, oliver):
    assert cards_visible_to(oliver).filter(pk=handed.pk).exists()
    assert _api(oliver).get(f"/api/cards/{handed.pk}/").status_code == 200
    with pytest.raises(Forbidden) as refused:
        card_transition(actor=oliver, card=handed, name="fulfil")
    assert str(refused.value.message) == (
        "At “To ship” the card is with Warehouse: only its members (or the "
        "accountable) move it on from here."
    )
    response = _api(oliver).post(f"/api/cards/{handed.pk}/transitions/fulfil/", {}, format="json")
    assert response.status_code == 403
    options = {o.name: o for o in card_transition_options(user=oliver, card=handed)}
    assert options["fulfil"].allowed is False
    assert options["mark_lost"].unmet == [str(refused.value.message)]
    assert RequestCard.objects.get(pk=handed.pk).status == "awaiting_payment"


def test_the_stage_role_and_the_accountable_act(handed, wanda, bob):
    options = {o.name: o for o in card_transition_options(user=wanda, card=handed)}
    assert options["fulfil"].unmet == []
    assert _api(bob).get(f"/api/cards/{handed.pk}/transitions/").status_code == 200
    card_take(actor=wanda, card=handed)
    card_transition(actor=wanda, card=handed, name="fulfil")
    card = RequestCard.objects.get(pk=handed.pk)
    assert (card.status, card.responsible_id) == ("fulfilled", None)  # now Finance's
    handoff = card.events.filter(kind=EventKind.HANDOFF).last()
    assert (handoff.data["from"], handoff.data["to"]) == ("wanda", "Finance")
    card_transition(actor=bob, card=card, name="close")  # the accountable steps in
    assert RequestCard.objects.get(pk=handed.pk).status == "closed"


def test_take_assigns_the_card_to_the_taker_as_an_event(handed, wanda):
    version = handed.version
    card_take(actor=wanda, card=handed, expected_version=version)
    card = RequestCard.objects.get(pk=handed.pk)
    assert card.responsible == wanda
    assert card.version == version + 1
    assert waiting_for_pickup(card) is False
    taken = card.events.filter(kind=EventKind.ASSIGNMENT).last()
    assert (taken.actor, taken.data) == (
        wanda,
        {"field": "responsible", "old": "", "new": "wanda", "taken": True},
    )


def test_two_takes_at_once_one_wins_the_other_conflicts(handed, wanda, wes):
    mine, theirs = RequestCard.objects.get(pk=handed.pk), RequestCard.objects.get(pk=handed.pk)
    card_take(actor=wanda, card=mine)
    with pytest.raises(CardConflict):
        card_take(actor=wes, card=theirs)  # read before wanda's take: its version is stale
    with pytest.raises(CardConflict) as again:
        card_take(actor=wes, card=RequestCard.objects.get(pk=handed.pk))
    assert again.value.message == "wanda has taken this card already. Reload it to see it."
    assert RequestCard.objects.get(pk=handed.pk).responsible == wanda
    assert handed.events.filter(kind=EventKind.ASSIGNMENT, data__taken=True).count() == 1


def test_take_api_answers_200_403_404_409(handed, wanda, wes, oliver, charlie, alice):
    url = f"/api/cards/{handed.pk}/take/"
    before = _api(wanda).get(f"/api/cards/{handed.pk}/").json()
    assert (before["stage_role"], before["waiting_for_pickup"]) == ("Warehouse", True)
    assert _api(charlie).post(url).status_code == 404
    refused = _api(oliver).post(url)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the members of Warehouse take cards at this stage."
    taken = _api(wanda).post(url)
    assert taken.status_code == 200
    body = taken.json()
    assert (body["responsible_username"], body["stage_role"], body["waiting_for_pickup"]) == (
        "wanda",
        "Warehouse",
        False,
    )
    late = _api(wes).post(url)
    assert late.status_code == 409
    assert late.json()["detail"] == "wanda has taken this card already. Reload it to see it."


def test_take_is_refused_where_no_stage_role_executes(make_card, alice):
    card = make_card()
    assert _api(alice).get(f"/api/cards/{card.pk}/").json()["stage_role"] is None
    response = _api(alice).post(f"/api/cards/{card.pk}/take/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This card is not waiting for pick-up: its status has no stage role."
    )
