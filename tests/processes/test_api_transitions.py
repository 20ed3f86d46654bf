"""Moving, blocking and the history of a card through the API.

Personas as in tests/conftest.py; the API helpers come from tests/processes/test_api.py.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from processes.models import EventKind, LineItem, RequestCard
from processes.services import card_block, card_unblock
from tests.conftest import PASSWORD, settle
from tests.processes.test_api import (
    CARDS,
    api_as,
    card_url,
    make_returns_process,
    new_card_payload,
)


@pytest.fixture
def returns_process(db):
    return make_returns_process()


# GET /api/cards/{id}/transitions/ ----------------------------------------------------------


def test_transition_options_say_what_is_missing(alice, make_card):
    card = make_card()  # no client yet
    answer = api_as(alice).get(card_url(card, "transitions/"))
    assert answer.status_code == 200
    options = {o["name"]: o for o in answer.json()}
    assert set(options) == {"qualify", "mark_lost"}
    assert options["qualify"]["target"] == "qualified"
    assert options["qualify"]["allowed"] is False
    assert options["qualify"]["unmet"] == ["Set the client."]
    assert options["mark_lost"]["allowed"] is True
    assert options["mark_lost"]["needs_lost_reason"] is True


def test_transition_options_are_refused_for_a_role_that_may_not(olga, priced_card):
    options = api_as(olga).get(card_url(priced_card, "transitions/")).json()
    assert options and all(not o["allowed"] for o in options)
    assert all(any("executor or accountable" in u for u in o["unmet"]) for o in options)


def test_transition_options_are_read_only(alice, make_card):
    assert api_as(alice).post(card_url(make_card(), "transitions/")).status_code == 405


# POST /api/cards/{id}/transitions/{name}/ --------------------------------------------------


def test_transition_moves_the_card_and_records_one_event(alice, priced_card):
    answer = api_as(alice).post(
        card_url(priced_card, "transitions/qualify/"),
        {"comment": "Confirmed by phone", "version": priced_card.version},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "qualified"
    assert answer.json()["version"] == priced_card.version + 1
    event = priced_card.events.get(kind=EventKind.TRANSITION)
    assert (event.from_status, event.to_status, event.transition, event.actor) == (
        "received",
        "qualified",
        "qualify",
        alice,
    )
    assert event.comment == "Confirmed by phone"


def test_transition_with_unmet_conditions_is_400_naming_them(alice, make_card):
    card = make_card()
    answer = api_as(alice).post(card_url(card, "transitions/qualify/"), {}, format="json")
    assert answer.status_code == 400
    assert answer.json()["unmet"] == ["Set the client."]
    assert "detail" in answer.json()
    card.refresh_from_db()
    assert card.status == "received"


def test_agree_names_every_unmet_condition(alice, make_card, acme):
    card = make_card(client=acme)
    client = api_as(alice)
    client.post(card_url(card, "transitions/qualify/"), format="json")
    LineItem.objects.create(card=card, product="Gift", quantity=1, unit_price=0, unit_cost=0)
    RequestCard.objects.filter(pk=card.pk).update(items_count=1)
    assert client.post(card_url(card, "transitions/price/"), format="json").status_code == 200
    answer = client.post(card_url(card, "transitions/agree/"), format="json")
    assert answer.status_code == 400
    assert answer.json()["unmet"] == [
        "Set a price: the line items total is zero.",
        "Set the promised date (the date promised to the client).",
    ]


def test_unknown_transition_is_400(alice, priced_card):
    answer = api_as(alice).post(card_url(priced_card, "transitions/teleport/"), format="json")
    assert answer.status_code == 400
    assert answer.json()["unmet"] == ["Unknown transition 'teleport'."]


def test_transition_not_possible_from_the_current_status_is_400(alice, priced_card):
    answer = api_as(alice).post(card_url(priced_card, "transitions/close/"), format="json")
    assert answer.status_code == 400
    assert answer.json()["unmet"]
    priced_card.refresh_from_db()
    assert priced_card.status == "received"


def test_transition_refused_for_a_role_that_may_not(olga, priced_card):
    answer = api_as(olga).post(card_url(priced_card, "transitions/qualify/"), format="json")
    assert answer.status_code == 403
    assert "executor or accountable" in answer.json()["detail"]
    assert not priced_card.events.filter(kind=EventKind.TRANSITION).exists()


def test_transition_with_stale_version_is_409_and_moves_nothing(alice, bob, priced_card):
    seen = priced_card.version
    renamed = api_as(bob).patch(card_url(priced_card), {"title": "Renamed"}, format="json")
    assert renamed.status_code == 200
    answer = api_as(alice).post(
        card_url(priced_card, "transitions/qualify/"), {"version": seen}, format="json"
    )
    assert answer.status_code == 409
    assert "detail" in answer.json()
    priced_card.refresh_from_db()
    assert priced_card.status == "received"
    assert not priced_card.events.filter(kind=EventKind.TRANSITION).exists()


def test_second_of_two_moves_from_the_same_version_gets_409(alice, bob, priced_card):
    seen = priced_card.version
    url = card_url(priced_card, "transitions/qualify/")
    assert api_as(alice).post(url, {"version": seen}, format="json").status_code == 200
    loser = api_as(bob).post(
        card_url(priced_card, "transitions/mark_lost/"),
        {"version": seen, "lost_reason": "Too slow"},
        format="json",
    )
    assert loser.status_code == 409
    assert priced_card.events.filter(kind=EventKind.TRANSITION).count() == 1


def test_mark_lost_needs_a_reason_and_records_it(alice, priced_card):
    client = api_as(alice)
    url = card_url(priced_card, "transitions/mark_lost/")
    refused = client.post(url, {"lost_reason": "  "}, format="json")
    assert refused.status_code == 400
    assert refused.json()["unmet"] == ["Give the reason the deal was lost."]
    answer = client.post(url, {"lost_reason": "Went to a competitor"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == "lost"
    assert answer.json()["lost_reason"] == "Went to a competitor"
    assert priced_card.events.get(kind=EventKind.TRANSITION).reason == "Went to a competitor"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"version": "latest"}, "version"),
        ({"version": 0}, "version"),
        ({"lost_reason": "x" * 301}, "lost_reason"),
        ({"comment": ["not", "text"]}, "comment"),
    ],
)
def test_bad_transition_input_is_a_field_error(alice, priced_card, body, field):
    answer = api_as(alice).post(
        card_url(priced_card, "transitions/mark_lost/"), body, format="json"
    )
    assert answer.status_code == 400
    assert field in answer.json()
    priced_card.refresh_from_db()
    assert priced_card.status == "received"


def test_transition_with_malformed_json_is_400(alice, priced_card):
    answer = api_as(alice).post(
        card_url(priced_card, "transitions/qualify/"), "{", content_type="application/json"
    )
    assert answer.status_code == 400
    priced_card.refresh_from_db()
    assert priced_card.status == "received"


def test_transition_endpoint_only_accepts_post(alice, priced_card):
    client = api_as(alice)
    url = card_url(priced_card, "transitions/qualify/")
    assert client.get(url).status_code == 405
    assert client.put(url, {}, format="json").status_code == 405
    assert client.delete(url).status_code == 405


def _long_history(card, actor, rounds):
    for _ in range(rounds):
        card_block(actor=actor, card=card, reason="waiting_customer")
        card_unblock(actor=actor, card=card)


@pytest.mark.parametrize("rounds", [0, 40])
def test_transition_costs_the_same_queries_whatever_the_history(
    alice, priced_card, rounds, django_assert_num_queries
):
    _long_history(priced_card, alice, rounds)
    client = api_as(alice)
    # token+user, the card (with its process, its line items and the actor's grants in one
    # read: processes/selectors/acting.py), savepoint, update, the event with the card's "at
    # risk" alerts of the status it left marked read (one statement on PostgreSQL, two
    # elsewhere), release savepoint (a guarded move adds one: the card's approval requests).
    # The process's definition (transitions, SLA policies, calendar, target, exception rules)
    # is held in memory since the card was made: see test_definition_cache.py.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        answer = client.post(card_url(priced_card, "transitions/qualify/"), format="json")
    assert answer.status_code == 200
    assert priced_card.events.count() == 3 + 2 * rounds


def test_a_card_walks_from_received_to_closed_through_the_api(alice, olga, acme):
    token = (
        APIClient()
        .post("/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    card = client.post(
        CARDS,
        new_card_payload(client=acme.pk, shipment_date="2030-03-01", promised_on="2030-03-01"),
        format="json",
    ).json()
    url = f"{CARDS}{card['id']}/"
    item = {"product": "Drill", "quantity": "4", "unit_price": "99.90", "unit_cost": "70"}
    assert client.post(url + "items/", item, format="json").status_code == 201
    version = client.get(url).json()["version"]
    for name in ["qualify", "price", "agree", "invoice", "fulfil", "close"]:
        if name == "invoice":
            # Deferred terms (the payload's) need financial control's approval first.
            approver = api_as(olga)
            (pending,) = approver.get("/api/approvals/?status=pending").json()["results"]
            assert pending["card"] == card["id"] and pending["family"] == "deferred_payment"
            decided = approver.post(f"/api/approvals/{pending['id']}/approve/", format="json")
            assert decided.status_code == 200, decided.json()
        if name == "close":
            settle(card["id"])  # deferred ships at once, closes once paid (tests/finance/)
        answer = client.post(
            f"{url}transitions/{name}/", {"version": version, "comment": name}, format="json"
        )
        assert answer.status_code == 200, (name, answer.json())
        version = answer.json()["version"]
    assert answer.json()["status"] == "closed"
    assert client.get(url + "transitions/").json() == []
    moves = [
        (e["from_status"], e["to_status"])
        for e in client.get(url + "events/").json()
        if e["kind"] == "transition"
    ]
    assert moves == [
        ("received", "qualified"),
        ("qualified", "priced"),
        ("priced", "agreed"),
        ("agreed", "awaiting_payment"),
        ("awaiting_payment", "fulfilled"),
        ("fulfilled", "closed"),
    ]


# POST /api/cards/{id}/block/ and /unblock/ -------------------------------------------------


def test_block_and_unblock(alice, make_card):
    card = make_card()
    client = api_as(alice)
    answer = client.post(
        card_url(card, "block/"),
        {"reason": "waiting_stock", "note": "Supplier ships Friday"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["blocked"] is True
    assert answer.json()["block_reason"] == "waiting_stock"
    assert answer.json()["block_note"] == "Supplier ships Friday"
    assert answer.json()["status"] == "received"

    answer = client.post(card_url(card, "unblock/"), format="json")
    assert answer.status_code == 200
    assert answer.json()["blocked"] is False
    assert answer.json()["block_reason"] is None
    kinds = list(card.events.values_list("kind", "reason"))
    assert kinds[1:] == [("block", "waiting_stock"), ("unblock", "waiting_stock")]


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": "bored"}, {"reason": ""}, {"reason": "waiting_stock", "note": "x" * 501}],
)
def test_block_with_bad_input_is_a_field_error(alice, make_card, body):
    card = make_card()
    answer = api_as(alice).post(card_url(card, "block/"), body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) & {"reason", "note"}
    card.refresh_from_db()
    assert not card.is_blocked


def test_block_reason_of_another_process_is_refused(alice, make_card, returns_process):
    returns_process.block_reasons.create(slug="waiting_courier", name="Waiting for courier")
    answer = api_as(alice).post(
        card_url(make_card(), "block/"), {"reason": "waiting_courier"}, format="json"
    )
    assert answer.status_code == 400
    assert "reason" in answer.json()


def test_blocking_twice_and_unblocking_an_unblocked_card_are_400(alice, make_card):
    card = make_card()
    client = api_as(alice)
    assert client.post(card_url(card, "unblock/"), format="json").status_code == 400
    blocked = client.post(card_url(card, "block/"), {"reason": "waiting_stock"}, format="json")
    assert blocked.status_code == 200
    again = client.post(card_url(card, "block/"), {"reason": "waiting_customer"}, format="json")
    assert again.status_code == 400
    assert "already blocked" in again.json()["detail"]


def test_block_refused_for_a_role_that_may_not(olga, make_card):
    card = make_card()
    answer = api_as(olga).post(card_url(card, "block/"), {"reason": "waiting_stock"}, "json")
    assert answer.status_code == 403
    card.refresh_from_db()
    assert not card.is_blocked


def test_block_endpoints_only_accept_post(alice, make_card):
    card = make_card()
    assert api_as(alice).get(card_url(card, "block/")).status_code == 405
    assert api_as(alice).get(card_url(card, "unblock/")).status_code == 405


# GET /api/cards/{id}/events/ ---------------------------------------------------------------


def test_events_are_listed_oldest_first_with_actor_names(alice, bob, priced_card):
    api_as(bob).post(card_url(priced_card, "transitions/qualify/"), {"comment": "ok"}, "json")
    answer = api_as(alice).get(card_url(priced_card, "events/"))
    assert answer.status_code == 200
    events = answer.json()
    assert [e["kind"] for e in events] == ["created", "item_added", "transition"]
    assert [e["actor"] for e in events] == ["alice", "alice", "bob"]
    last = events[-1]
    assert (last["from_status"], last["to_status"], last["comment"]) == (
        "received",
        "qualified",
        "ok",
    )
    assert {"kind", "from_status", "to_status", "actor", "at", "comment", "reason"} <= set(last)


def test_events_cannot_be_created_changed_or_deleted(bob, priced_card):
    client = api_as(bob)
    url = card_url(priced_card, "events/")
    event = priced_card.events.first()
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url, {"kind": "closed"}, format="json").status_code == 405
    # There is no address for a single event either.
    assert client.delete(f"{url}{event.pk}/").status_code == 404
    assert client.patch(f"{url}{event.pk}/", {"comment": "x"}, format="json").status_code == 404
    assert list(priced_card.events.values_list("kind", "comment")) == [
        ("created", ""),
        ("item_added", ""),
    ]


def test_events_cost_the_same_queries_whatever_the_history(
    alice, priced_card, django_assert_num_queries
):
    client = api_as(alice)
    with django_assert_num_queries(3):  # token+user, card, events with actors
        client.get(card_url(priced_card, "events/"))
    _long_history(priced_card, alice, 20)
    with django_assert_num_queries(3):
        assert len(client.get(card_url(priced_card, "events/")).json()) == 42
