"""The card endpoints of the API: create, list with filters, read, change, add line items.

Personas as in tests/conftest.py; the API helpers come from tests/processes/test_api.py.
"""

from decimal import Decimal

import pytest

from processes.models import Event, EventKind, LineItem, RequestCard
from processes.services import card_block, card_create, card_item_add, card_transition
from tests.processes.test_api import (
    CARDS,
    api_as,
    card_url,
    make_returns_executor,
    make_returns_process,
    new_card_payload,
)


@pytest.fixture
def returns_process(db):
    return make_returns_process()


@pytest.fixture
def dave(returns_process):
    return make_returns_executor(returns_process)


@pytest.fixture
def returns_card(returns_process, dave):
    return card_create(actor=dave, process=returns_process, title="Broken drill back")


# POST /api/cards/ --------------------------------------------------------------------------


def test_card_created_with_its_data(alice, bob, acme):
    payload = new_card_payload(
        client=acme.pk,
        responsible=bob.pk,
        discount_percent="5.50",
        shipment_date="2030-01-15",
    )
    answer = api_as(alice).post(CARDS, payload, format="json")
    assert answer.status_code == 201, answer.json()
    card = answer.json()
    assert card["process"] == "order-to-cash"
    assert card["status"] == "received"
    assert card["version"] == 1
    assert card["client"] == acme.pk
    assert card["responsible"] == bob.pk
    assert card["channel"] == "website"
    assert card["priority"] == "high"
    assert card["payment_terms"] == "deferred"
    assert card["deferred_days"] == 30
    assert card["discount_percent"] == "5.50"
    assert card["shipment_date"] == "2030-01-15"
    assert card["blocked"] is False
    assert card["items"] == []
    assert card["margin_percent"] is None
    saved = RequestCard.objects.get(pk=card["id"])
    assert saved.created_by == alice
    # Deferred terms are an exception: financial control is asked at once.
    assert list(saved.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.APPROVAL_REQUESTED,
    ]


def test_card_created_with_defaults_for_optional_fields(bob):
    answer = api_as(bob).post(
        CARDS, {"process": "order-to-cash", "title": "Call back"}, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["payment_terms"] == "prepaid"
    assert answer.json()["deferred_days"] is None


def test_card_in_a_process_without_a_role_is_a_process_field_error(alice, returns_process):
    hidden = api_as(alice).post(CARDS, new_card_payload(process="returns"), format="json")
    unknown = api_as(alice).post(CARDS, new_card_payload(process="no-such"), format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert list(hidden.json()) == ["process"]
    # The same answer for a hidden process as for a missing one: nothing leaks.
    assert hidden.json()["process"] == [unknown.json()["process"][0].replace("no-such", "returns")]
    assert not RequestCard.objects.exists()


def test_card_creation_refused_for_a_role_that_may_not_create(olga):
    answer = api_as(olga).post(CARDS, new_card_payload(), format="json")
    assert answer.status_code == 403
    assert "detail" in answer.json()
    assert not RequestCard.objects.exists()


def test_outsider_cannot_create_cards(charlie):
    answer = api_as(charlie).post(CARDS, new_card_payload(), format="json")
    assert answer.status_code == 400
    assert "process" in answer.json()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"discount_percent": "100.01"}, "discount_percent"),
        ({"discount_percent": "150"}, "discount_percent"),
        ({"discount_percent": "-1"}, "discount_percent"),
        ({"discount_percent": "lots"}, "discount_percent"),
        ({"channel": "pigeon"}, "channel"),
        ({"priority": "asap"}, "priority"),
        ({"payment_terms": "barter"}, "payment_terms"),
        ({"payment_terms": "deferred", "deferred_days": None}, "deferred_days"),
        ({"deferred_days": 0}, "deferred_days"),
        ({"deferred_days": "soon"}, "deferred_days"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"client": 999999}, "client"),
        ({"client": 10**30}, "client"),
        ({"client": "acme"}, "client"),
        ({"responsible": 999999}, "responsible"),
        ({"shipment_date": "next week"}, "shipment_date"),
        ({"process": None}, "process"),
    ],
)
def test_bad_card_input_is_a_field_error_and_writes_nothing(alice, overrides, field):
    answer = api_as(alice).post(CARDS, new_card_payload(**overrides), format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not RequestCard.objects.exists()
    assert not Event.objects.exists()


def test_card_without_title_or_process_names_both(alice):
    answer = api_as(alice).post(CARDS, {}, format="json")
    assert answer.status_code == 400
    assert {"title", "process"} <= set(answer.json())


@pytest.mark.parametrize("body", ['{"title": "half', "[1, 2]", '"just a string"', "null"])
def test_malformed_or_non_object_json_body_is_400(alice, body):
    answer = api_as(alice).post(CARDS, body, content_type="application/json")
    assert answer.status_code == 400
    assert not RequestCard.objects.exists()


# GET /api/cards/ ---------------------------------------------------------------------------


def test_card_list_shows_only_cards_of_the_users_processes(
    alice, charlie, dave, make_card, returns_card
):
    mine = make_card()
    assert [c["id"] for c in api_as(alice).get(CARDS).json()["results"]] == [mine.pk]
    assert [c["id"] for c in api_as(dave).get(CARDS).json()["results"]] == [returns_card.pk]
    assert api_as(charlie).get(CARDS).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_card_list_filters(alice, bob, olga, make_card, acme, o2c):
    plain = make_card("Plain")
    bobs = make_card("Bob's", responsible=bob)
    blocked = make_card("Blocked")
    card_block(actor=alice, card=blocked, reason="waiting_stock")
    qualified = make_card("Qualified", client=acme)
    card_transition(actor=alice, card=qualified, name="qualify")
    client = api_as(olga)

    def ids(query):
        answer = client.get(CARDS + query)
        assert answer.status_code == 200, answer.json()
        return {c["id"] for c in answer.json()["results"]}

    everything = {plain.pk, bobs.pk, blocked.pk, qualified.pk}
    assert ids("") == everything
    assert ids("?process=order-to-cash") == everything
    assert ids("?process=returns") == set()
    assert ids("?status=qualified") == {qualified.pk}
    assert ids("?status=received") == {plain.pk, bobs.pk, blocked.pk}
    assert ids("?status=nowhere") == set()
    assert ids(f"?responsible={bob.pk}") == {bobs.pk}
    assert ids("?blocked=true") == {blocked.pk}
    assert ids("?blocked=false") == everything - {blocked.pk}
    assert ids(f"?status=received&blocked=false&responsible={bob.pk}") == {bobs.pk}


@pytest.mark.parametrize(
    "query, field",
    [
        ("?responsible=bob", "responsible"),
        ("?responsible=-3", "responsible"),
        ("?responsible=99999999999999999999999", "responsible"),
        ("?blocked=maybe", "blocked"),
        ("?process=not%20a%20slug", "process"),
        ("?status=no/slash", "status"),
    ],
)
def test_invalid_card_filter_is_400(alice, make_card, query, field):
    make_card()
    answer = api_as(alice).get(CARDS + query)
    assert answer.status_code == 400
    assert field in answer.json()


def test_card_list_is_paginated_oldest_first(alice, make_card):
    cards = [make_card(f"Card {i}") for i in range(53)]
    client = api_as(alice)
    first = client.get(CARDS).json()
    assert first["count"] == 53
    assert [c["id"] for c in first["results"]] == [c.pk for c in cards[:50]]
    second = client.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == [c.pk for c in cards[50:]]
    assert second["next"] is None


def test_card_list_page_out_of_range_is_404_not_500(alice, make_card):
    make_card()
    assert api_as(alice).get(CARDS + "?page=9").status_code == 404
    assert api_as(alice).get(CARDS + "?page=x").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_card_list_costs_the_same_queries_whatever_the_number_of_cards(
    alice, bob, acme, make_card, count, django_assert_num_queries
):
    for i in range(count):
        card = make_card(f"Card {i}", client=acme, responsible=bob)
        card_item_add(
            actor=alice,
            card=card,
            product="Drill",
            quantity=Decimal("1"),
            unit_price=Decimal("10"),
            unit_cost=Decimal("5"),
        )
        if i % 3 == 0:
            card_block(actor=alice, card=card, reason="waiting_customer")
    client = api_as(alice)
    # token+user, count, cards with process/client/responsible/block reason, line items
    with django_assert_num_queries(4):
        answer = client.get(CARDS)
    assert len(answer.json()["results"]) == count


# GET/PATCH /api/cards/{id}/ ----------------------------------------------------------------


def test_card_detail_has_the_contract_fields(bob, priced_card, acme):
    answer = api_as(bob).get(card_url(priced_card))
    assert answer.status_code == 200
    card = answer.json()
    assert {
        "id",
        "process",
        "title",
        "client",
        "channel",
        "priority",
        "responsible",
        "discount_percent",
        "margin_percent",
        "payment_terms",
        "deferred_days",
        "shipment_date",
        "status",
        "version",
        "blocked",
        "block_reason",
        "block_note",
        "lost_reason",
        "items",
        "created_at",
        "updated_at",
        "items_count",
        "items_price_total",
        "items_cost_total",
    } <= set(card)
    assert card["client"] == acme.pk
    assert card["client_name"] == "Acme Tools"
    assert card["margin_percent"] == "40.00"
    assert card["items_price_total"] == "200.00"
    assert card["items"] == [
        {
            "id": priced_card.items.get().pk,
            "product": "Drill",
            "quantity": "2.000",
            "unit_price": "100.00",
            "unit_cost": "60.00",
            "line_price": "200.00",
            "line_cost": "120.00",
        }
    ]


def test_card_detail_visible_to_any_role_in_the_process(olga, make_card):
    assert api_as(olga).get(card_url(make_card())).status_code == 200


def test_missing_or_malformed_card_id_is_404(alice):
    assert api_as(alice).get("/api/cards/999999/").status_code == 404
    assert api_as(alice).get("/api/cards/abc/").status_code == 404
    # The actions read the card by SQL of their own (processes/selectors/acting.py).
    client = api_as(alice)
    for card in ("999999", "abc", str(2**63), str(2**80), "0", "-3"):
        assert client.post(f"/api/cards/{card}/transitions/qualify/").status_code == 404
        assert client.patch(f"/api/cards/{card}/", {"title": "X"}, format="json").status_code == 404


@pytest.mark.parametrize(
    "method, suffix, body",
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine now"}),
        ("post", "items/", {"product": "X", "quantity": 1, "unit_price": 1, "unit_cost": 1}),
        ("get", "transitions/", None),
        ("post", "transitions/qualify/", {}),
        ("post", "transitions/no-such/", {}),
        ("post", "block/", {"reason": "waiting_stock"}),
        ("post", "unblock/", {}),
        ("get", "events/", None),
    ],
)
def test_outsider_gets_404_for_every_card_endpoint(
    charlie, dave, priced_card, method, suffix, body
):
    before = (priced_card.version, Event.objects.count())
    for user in (charlie, dave):  # no role anywhere; a role in another process only
        answer = getattr(api_as(user), method)(card_url(priced_card, suffix), body, format="json")
        assert answer.status_code == 404, (user, answer.json())
    priced_card.refresh_from_db()
    assert (priced_card.version, Event.objects.count()) == before


def test_cards_cannot_be_deleted_or_replaced(bob, make_card):
    card = make_card()
    client = api_as(bob)
    assert client.delete(card_url(card)).status_code == 405
    assert client.put(card_url(card), {"title": "New"}, format="json").status_code == 405
    assert client.delete(CARDS).status_code == 405
    assert RequestCard.objects.filter(pk=card.pk).exists()


def test_patch_changes_data_bumps_version_and_records_history(alice, bob, make_card):
    card = make_card()
    answer = api_as(alice).patch(
        card_url(card),
        {
            "version": card.version,
            "title": "Forty drills",
            # Under the 10% threshold: no approval request joins the history here.
            "discount_percent": "9.5",
            "shipment_date": "2030-02-01",
            "responsible": bob.pk,
        },
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["title"] == "Forty drills"
    assert body["discount_percent"] == "9.50"
    assert body["shipment_date"] == "2030-02-01"
    assert body["responsible"] == bob.pk
    assert body["version"] == card.version + 1
    kinds = sorted(card.events.exclude(kind=EventKind.CREATED).values_list("kind", flat=True))
    assert kinds == ["assignment", "field_change", "field_change"]


def test_patch_without_version_is_accepted(bob, make_card):
    card = make_card()
    answer = api_as(bob).patch(card_url(card), {"priority": "urgent"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["priority"] == "urgent"


def test_patch_with_stale_version_is_409_and_changes_nothing(alice, make_card):
    card = make_card()
    client = api_as(alice)
    first = client.patch(card_url(card), {"version": 1, "title": "First"}, format="json")
    assert first.status_code == 200
    answer = client.patch(card_url(card), {"version": 1, "title": "Second"}, format="json")
    assert answer.status_code == 409
    assert "detail" in answer.json()
    card.refresh_from_db()
    assert (card.title, card.version) == ("First", 2)


@pytest.mark.parametrize("field", ["status", "process", "blocked", "lost_reason", "items"])
def test_patch_of_a_field_changed_elsewhere_is_400(alice, make_card, field):
    card = make_card()
    value = {"status": "closed", "process": "returns", "blocked": True}.get(field, "x")
    answer = api_as(alice).patch(card_url(card), {field: value, "title": "T"}, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    card.refresh_from_db()
    assert (card.status, card.title, card.version) == ("received", "Order of drills", 1)


def test_patch_of_status_points_to_the_transitions_endpoint(alice, make_card):
    answer = api_as(alice).patch(card_url(make_card()), {"status": "closed"}, format="json")
    assert answer.status_code == 400
    assert "transitions" in answer.json()["status"][0]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"discount_percent": "101"}, "discount_percent"),
        ({"discount_percent": "-0.01"}, "discount_percent"),
        ({"payment_terms": "deferred"}, "deferred_days"),
        ({"client": 424242}, "client"),
        ({"title": ""}, "title"),
        ({"version": "one"}, "version"),
    ],
)
def test_bad_patch_is_a_field_error_and_writes_nothing(alice, make_card, body, field):
    card = make_card()
    answer = api_as(alice).patch(card_url(card), body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    card.refresh_from_db()
    assert (card.version, card.discount_percent, card.payment_terms) == (1, 0, "prepaid")
    assert card.events.count() == 1


def test_patch_with_malformed_json_is_400(alice, make_card):
    card = make_card()
    answer = api_as(alice).patch(card_url(card), "{not json", content_type="application/json")
    assert answer.status_code == 400


def test_patch_refused_for_a_role_that_may_not_edit(olga, make_card):
    card = make_card()
    answer = api_as(olga).patch(card_url(card), {"title": "Mine"}, format="json")
    assert answer.status_code == 403
    card.refresh_from_db()
    assert card.title == "Order of drills"


# POST /api/cards/{id}/items/ ---------------------------------------------------------------


def test_item_added_updates_the_card_totals(alice, make_card):
    card = make_card()
    client = api_as(alice)
    answer = client.post(
        card_url(card, "items/"),
        {"product": "Saw", "quantity": "3", "unit_price": "50.00", "unit_cost": "20.00"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["line_price"] == "150.00"
    detail = client.get(card_url(card)).json()
    assert detail["items_count"] == 1
    assert detail["items_price_total"] == "150.00"
    assert detail["margin_percent"] == "60.00"
    assert detail["version"] == 2
    assert card.events.filter(kind=EventKind.ITEM_ADDED).count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"unit_price": "-0.01"}, "unit_price"),
        ({"unit_cost": "-5"}, "unit_cost"),
        ({"quantity": "many"}, "quantity"),
        ({"unit_price": "NaN"}, "unit_price"),
        ({"unit_price": "1e400"}, "unit_price"),
        ({"product": ""}, "product"),
        ({"product": None}, "product"),
    ],
)
def test_bad_item_is_a_field_error_and_writes_nothing(alice, make_card, overrides, field):
    card = make_card()
    item = {"product": "Saw", "quantity": "1", "unit_price": "5", "unit_cost": "1"}
    item.update(overrides)
    answer = api_as(alice).post(card_url(card, "items/"), item, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not LineItem.objects.exists()
    card.refresh_from_db()
    assert (card.items_count, card.version) == (0, 1)


def test_items_endpoint_only_adds(alice, make_card):
    card = make_card()
    assert api_as(alice).get(card_url(card, "items/")).status_code == 405
    assert api_as(alice).delete(card_url(card, "items/")).status_code == 405


def test_item_refused_for_a_role_that_may_not_edit(olga, make_card):
    item = {"product": "Saw", "quantity": "1", "unit_price": "5", "unit_cost": "1"}
    answer = api_as(olga).post(card_url(make_card(), "items/"), item, format="json")
    assert answer.status_code == 403
    assert not LineItem.objects.exists()


@pytest.mark.parametrize(
    "action, body",
    [
        ("items", {"product": "Drill", "quantity": "2", "unit_price": "10", "unit_cost": "7"}),
        ("block", {"reason": "waiting_stock"}),
    ],
)
def test_card_actions_with_a_stale_version_are_409_and_change_nothing(
    alice, make_card, action, body
):
    card = make_card()
    client = api_as(alice)
    first = client.patch(card_url(card), {"version": 1, "title": "First"}, format="json")
    assert first.status_code == 200
    before = (LineItem.objects.count(), Event.objects.count())
    answer = client.post(f"{card_url(card)}{action}/", {**body, "version": 1}, format="json")
    assert answer.status_code == 409
    card.refresh_from_db()
    assert (card.version, card.is_blocked) == (2, False)
    assert (LineItem.objects.count(), Event.objects.count()) == before
    current = client.post(f"{card_url(card)}{action}/", {**body, "version": 2}, format="json")
    assert current.status_code in (200, 201)


def test_unblock_with_a_stale_version_is_409(alice, make_card):
    card = make_card()
    client = api_as(alice)
    blocked = client.post(f"{card_url(card)}block/", {"reason": "waiting_stock"}, format="json")
    version = blocked.json()["version"]
    changed = client.patch(card_url(card), {"version": version, "title": "X"}, format="json")
    assert changed.status_code == 200
    answer = client.post(f"{card_url(card)}unblock/", {"version": version}, format="json")
    assert answer.status_code == 409
    card.refresh_from_db()
    assert card.is_blocked
