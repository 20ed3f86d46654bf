"""The REST API contract (issue 2, section 9): each endpoint's success and error codes.

alice is executor of order to cash, bob accountable, olga approver, charlie holds no role.
Requests authenticate with real tokens, so every request loads its user and roles afresh, as in
production.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from knox.models import AuthToken
from rest_framework.test import APIClient

from processes.models import Client, Process, Status
from processes.models import Transition as TransitionDefinition
from roles.models import ProcessRole, RoleKind
from tests.conftest import PASSWORD

# Helpers shared by tests/processes/test_api_*.py (plain functions: fixtures are per file).

CARDS = "/api/cards/"


def card_url(card, suffix=""):
    return f"{CARDS}{card.pk}/{suffix}"


def api_as(user) -> APIClient:
    """A client that authenticates as `user` with a real token, as integrations do."""
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def make_returns_process() -> Process:
    """A second process, made as data, where the order-to-cash personas hold no role."""
    process = Process.objects.create(slug="returns", name="Returns")
    opened = Status.objects.create(process=process, slug="opened", name="Opened", order=0)
    done = Status.objects.create(process=process, slug="done", name="Done", order=1, final=True)
    finish = TransitionDefinition.objects.create(
        process=process, name="finish", label="Finish", target=done
    )
    finish.sources.set([opened])
    return process


def make_returns_executor(process: Process):
    user = get_user_model().objects.create_user(username="dave", password=PASSWORD)
    ProcessRole.objects.create(process_id=process.pk, kind=RoleKind.EXECUTOR, user=user)
    return user


def new_card_payload(**overrides):
    payload = {
        "process": "order-to-cash",
        "title": "Forty drills for Acme",
        "channel": "website",
        "priority": "high",
        "payment_terms": "deferred",
        "deferred_days": 30,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def returns_process(db):
    return make_returns_process()


@pytest.fixture
def dave(returns_process):
    return make_returns_executor(returns_process)


# Authentication ---------------------------------------------------------------------------------


def test_token_from_password_authenticates_later_requests(anonymous, alice):
    answer = anonymous.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 200
    token = answer.json()["token"]

    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = anonymous.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_token_refused_for_wrong_password(anonymous, alice):
    answer = anonymous.post(
        "/api/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
    )
    assert answer.status_code == 400
    assert "non_field_errors" in answer.json()
    assert "token" not in answer.json()


def test_token_request_without_credentials_names_missing_fields(anonymous, db):
    answer = anonymous.post("/api/auth/token/", {}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"username", "password"}


def test_token_request_with_malformed_json_is_400(anonymous, db):
    answer = anonymous.post(
        "/api/auth/token/", '{"username": "alice",', content_type="application/json"
    )
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/me/"),
        ("get", "/api/processes/"),
        ("get", "/api/clients/"),
        ("post", "/api/clients/"),
        ("get", CARDS),
        ("post", CARDS),
        ("get", "/api/cards/1/"),
        ("patch", "/api/cards/1/"),
        ("get", "/api/cards/1/transitions/"),
        ("post", "/api/cards/1/transitions/qualify/"),
        ("get", "/api/cards/1/events/"),
        ("get", "/api/schema/"),
    ],
)
def test_every_endpoint_needs_authentication(anonymous, db, method, path):
    answer = getattr(anonymous, method)(path, {}, format="json")
    assert answer.status_code == 401


def test_unknown_token_is_401(anonymous, alice):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anonymous.get(CARDS).status_code == 401


def test_session_login_is_accepted(alice, make_card):
    card = make_card()
    client = APIClient()
    client.force_login(alice)
    answer = client.get(CARDS)
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()["results"]] == [card.pk]


# /api/me/ ------------------------------------------------------------------------------------


def test_me_lists_process_roles_by_process_slug(bob, o2c):
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.ESCALATION, user=bob)
    answer = api_as(bob).get("/api/me/")
    assert answer.status_code == 200
    assert answer.json() == {
        "id": bob.pk,
        "username": "bob",
        "roles": [
            {"process": "order-to-cash", "role": "accountable"},
            {"process": "order-to-cash", "role": "escalation"},
        ],
    }


def test_me_includes_roles_granted_to_a_group(charlie, o2c):
    group = Group.objects.create(name="Sales")
    charlie.groups.add(group)
    ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.INFORMED, group=group)
    roles = api_as(charlie).get("/api/me/").json()["roles"]
    assert roles == [{"process": "order-to-cash", "role": "informed"}]


def test_me_of_outsider_has_no_roles(charlie):
    assert api_as(charlie).get("/api/me/").json()["roles"] == []


def test_me_is_read_only(alice):
    assert api_as(alice).post("/api/me/", {}, format="json").status_code == 405


# /api/processes/ -----------------------------------------------------------------------------


def test_processes_list_statuses_and_transitions_by_slug(alice):
    answer = api_as(alice).get("/api/processes/")
    assert answer.status_code == 200
    [o2c] = answer.json()
    assert o2c["slug"] == "order-to-cash"
    assert o2c["name"] == "Order to cash"
    assert [s["slug"] for s in o2c["statuses"]] == [
        "received",
        "qualified",
        "priced",
        "agreed",
        "awaiting_payment",
        "fulfilled",
        "closed",
        "lost",
    ]
    assert {s["slug"] for s in o2c["statuses"] if s["final"]} == {"closed", "lost"}
    moves = {t["name"]: (t["sources"], t["target"]) for t in o2c["transitions"]}
    assert moves["qualify"] == (["received"], "qualified")
    assert moves["close"] == (["fulfilled"], "closed")
    assert moves["mark_lost"][1] == "lost"
    assert "closed" not in moves["mark_lost"][0]


def test_processes_show_each_transitions_conditions_and_effects(alice):
    # Order to cash's stock rules are data on its transitions (stock app, migration 0002):
    # the API says what a move checks and what it also does.
    [o2c] = api_as(alice).get("/api/processes/").json()
    moves = {t["name"]: (t["conditions"], t["effects"]) for t in o2c["transitions"]}
    assert moves["price"] == (["has_line_items"], ["reserve_stock"])
    assert moves["fulfil"] == (
        ["prepaid_paid_in_full", "stock_reserved_in_full"],
        ["record_shipment", "consume_stock"],
    )
    assert moves["mark_lost"] == (["has_lost_reason"], ["void_invoice", "release_stock"])
    assert moves["qualify"] == (["has_client"], [])
    schema = api_as(alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    shape = schema.json()["components"]["schemas"]["TransitionDefinition"]["properties"]
    for field in ("conditions", "effects"):
        assert shape[field]["type"] == "array" and shape[field]["readOnly"] is True
        assert shape[field]["items"] == {"type": "string"}


def test_processes_name_the_commitment_point_and_the_won_and_lost_statuses(alice):
    # What the figures read, said by the API itself: an outside recount needs no guesswork.
    [o2c] = api_as(alice).get("/api/processes/").json()
    assert o2c["commitment_point"] == "agreed"
    statuses = {s["slug"]: (s["outcome"], s["commitment_point"]) for s in o2c["statuses"]}
    assert statuses["closed"] == ("won", False)
    assert statuses["lost"] == ("lost", False)
    assert statuses["agreed"] == (None, True)
    assert {slug for slug, (outcome, _) in statuses.items() if outcome} == {"closed", "lost"}
    assert sum(point for _, point in statuses.values()) == 1


def test_processes_show_only_those_where_the_user_holds_a_role(
    alice, charlie, dave, returns_process
):
    assert [p["slug"] for p in api_as(alice).get("/api/processes/").json()] == ["order-to-cash"]
    assert [p["slug"] for p in api_as(dave).get("/api/processes/").json()] == ["returns"]
    assert api_as(charlie).get("/api/processes/").json() == []


def test_process_detail_by_slug_and_hidden_from_outsider(alice, charlie):
    assert api_as(alice).get("/api/processes/order-to-cash/").json()["slug"] == "order-to-cash"
    assert api_as(charlie).get("/api/processes/order-to-cash/").status_code == 404


def test_processes_cost_the_same_queries_with_more_processes(
    alice, returns_process, django_assert_num_queries
):
    client = api_as(alice)
    # token+user, processes with owners, statuses, transitions with targets, transition
    # sources, participants, the goals served, the headline figures
    with django_assert_num_queries(8):
        client.get("/api/processes/")
    ProcessRole.objects.create(process_id=returns_process.pk, kind=RoleKind.INFORMED, user=alice)
    with django_assert_num_queries(8):
        assert len(client.get("/api/processes/").json()) == 2


def test_processes_cannot_be_changed_through_the_api(bob):
    # A process is created from a document (POST /api/processes/, issue 26: see
    # tests/processes/test_process_templates.py), never changed or deleted here.
    client = api_as(bob)
    assert client.post("/api/processes/", {}, format="json").status_code == 400
    assert client.delete("/api/processes/order-to-cash/").status_code == 405
    assert client.put("/api/processes/order-to-cash/", {}, format="json").status_code == 405


# /api/clients/ -------------------------------------------------------------------------------


def test_client_created(alice):
    answer = api_as(alice).post("/api/clients/", {"name": "  Globex  "}, format="json")
    assert answer.status_code == 201
    assert answer.json()["name"] == "Globex"
    assert Client.objects.get(pk=answer.json()["id"]).name == "Globex"


def test_duplicate_client_name_is_a_field_error(alice, acme):
    answer = api_as(alice).post("/api/clients/", {"name": "Acme Tools"}, format="json")
    assert answer.status_code == 400
    assert "name" in answer.json()
    assert Client.objects.count() == 1


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 201}])
def test_client_without_a_proper_name_is_a_field_error(alice, body):
    answer = api_as(alice).post("/api/clients/", body, format="json")
    assert answer.status_code == 400
    assert "name" in answer.json()
    assert not Client.objects.exists()


def test_client_creation_needs_an_editor_role_somewhere(olga, charlie):
    assert api_as(olga).post("/api/clients/", {"name": "Globex"}, format="json").status_code == 403
    answer = api_as(charlie).post("/api/clients/", {"name": "Globex"}, format="json")
    assert answer.status_code == 403
    assert not Client.objects.exists()


def test_clients_list_is_paginated(alice):
    Client.objects.bulk_create(Client(name=f"Client {i:03}") for i in range(55))
    client = api_as(alice)
    first = client.get("/api/clients/").json()
    assert first["count"] == 55
    assert len(first["results"]) == 50
    assert first["results"][0]["name"] == "Client 000"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5


def test_clients_hidden_from_user_without_any_role(charlie, acme):
    assert api_as(charlie).get("/api/clients/").json()["results"] == []


# Schema and documentation ------------------------------------------------------------------


def test_schema_describes_the_contract(alice):
    answer = api_as(alice).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    paths = answer.json()["paths"]
    assert {
        "/api/auth/token/",
        "/api/me/",
        "/api/processes/",
        "/api/clients/",
        "/api/cards/",
        "/api/cards/{id}/",
        "/api/cards/{id}/items/",
        "/api/cards/{id}/transitions/",
        "/api/cards/{id}/transitions/{name}/",
        "/api/cards/{id}/block/",
        "/api/cards/{id}/unblock/",
        "/api/cards/{id}/events/",
    } <= set(paths)
    assert "delete" not in paths["/api/cards/{id}/"]
    assert set(paths["/api/cards/{id}/events/"]) == {"get"}


def test_docs_page_needs_login_and_serves_its_assets_locally(alice):
    browser = APIClient()
    assert browser.get("/api/docs/").status_code == 302
    browser.force_login(alice)
    answer = browser.get("/api/docs/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn" not in html.lower()
