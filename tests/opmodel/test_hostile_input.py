"""Hostile input answers 4xx with a reason, never a 500 (issue 15, points 4, 5 and 12):
NUL bytes in addresses and queries, JSON nested 100,000 deep, unknown API addresses."""

import pytest
from django.test import Client

from opmodel.parsers import MAX_DEPTH, json_depth_exceeds
from tests.processes.test_api import CARDS, api_as, card_url

pytestmark = pytest.mark.django_db

WEEKLY_CARDS = "/dashboards/weekly/cards/"


# NUL bytes ---------------------------------------------------------------------------------------


def test_nul_in_a_transition_name_is_400_in_json(alice, make_card):
    card = make_card()

    answer = api_as(alice).post(card_url(card, "transitions/qual%00ify/"), format="json")

    assert answer.status_code == 400
    assert "NUL" in answer.json()["detail"]


@pytest.mark.parametrize(
    "metric", ["intake", "throughput", "wip", "cycle_time", "lead_time", "sla_breaches"]
)
def test_nul_in_the_weekly_drill_down_key_is_400(alice, metric):
    client = Client()
    client.force_login(alice)

    answer = client.get(
        WEEKLY_CARDS,
        {"process": "order-to-cash", "week": "2026-W47", "metric": metric, "key": "web\x00site"},
    )

    assert answer.status_code == 400
    assert "NUL" in answer.content.decode()


def test_nul_in_a_query_parameter_name_or_api_filter_is_400(alice):
    client = api_as(alice)

    assert client.get(CARDS, {"status": "rec\x00eived"}).status_code == 400
    assert client.get(CARDS + "?sta%00tus=1").status_code == 400


def test_nul_in_a_form_value_is_400(alice, make_card):
    card = make_card()
    client = Client()
    client.force_login(alice)

    answer = client.post(f"/cards/{card.pk}/block/", {"reason": "x", "note": "a\x00b"})

    assert answer.status_code == 400


def test_requests_without_nul_pass(alice, make_card):
    card = make_card()

    answer = api_as(alice).get(card_url(card), {"q": "drills"})

    assert answer.status_code == 200


# Deeply nested JSON -----------------------------------------------------------------------------


def test_json_nested_100000_levels_is_400(alice):
    body = "[" * 100_000 + "]" * 100_000

    answer = api_as(alice).post(CARDS, body, content_type="application/json")

    assert answer.status_code == 400
    assert "nested deeper" in answer.json()["detail"]


def test_json_nested_objects_too_deep_is_400_on_the_token_endpoint(db):
    body = '{"a":' * 100_000 + "1" + "}" * 100_000

    answer = Client().post("/api/auth/token/", body, content_type="application/json")

    assert answer.status_code == 400


def test_depth_scan_ignores_brackets_inside_strings():
    assert not json_depth_exceeds(b'{"title": "' + b"[" * 500 + b'"}')
    assert not json_depth_exceeds(b'{"t": "a \\" [[[[ \\\\", "u": ["x"]}', limit=2)
    assert json_depth_exceeds(b"[" * (MAX_DEPTH + 1))
    assert not json_depth_exceeds(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)


def test_ordinary_json_still_parses(alice):
    answer = api_as(alice).post(
        CARDS, {"process": "order-to-cash", "title": "Drills"}, format="json"
    )

    assert answer.status_code == 201


# Unknown API addresses ---------------------------------------------------------------------


def test_unknown_api_address_is_json_404(alice):
    answer = api_as(alice).get("/api/no-such-thing/")

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["detail"].startswith("Not found")


def test_unknown_api_address_is_json_404_without_login(db):
    answer = Client().get("/api/cards/1/nothing/here/")

    assert answer.status_code == 404
    assert answer.json()["detail"].startswith("Not found")


def test_unknown_page_stays_html(alice):
    client = Client()
    client.force_login(alice)

    answer = client.get("/no-such-page/")

    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")


# Schema-violating input (schemathesis's negative data check) -------------------------------


def test_a_repeated_api_query_parameter_is_400(alice):
    answer = api_as(alice).get(CARDS + "?blocked=true&blocked=false")

    assert answer.status_code == 400
    assert answer.json() == {"blocked": ["This parameter may be given only once."]}


def test_a_number_where_text_is_expected_is_400(alice, make_card):
    card = make_card()

    answer = api_as(alice).post(card_url(card, "comments/"), {"text": 0}, format="json")

    assert answer.status_code == 400
    assert "text" in answer.json()


@pytest.mark.parametrize(
    "address",
    ["/api/alerts/?unread=AAA", "/api/alerts/?per_card=maybe", "/api/cards/?blocked=null"],
)
def test_a_flag_that_is_not_true_or_false_is_400(alice, address):
    assert api_as(alice).get(address).status_code == 400


def test_flags_still_filter(alice):
    client = api_as(alice)

    assert client.get("/api/alerts/?unread=true&per_card=false").status_code == 200
    assert client.get("/api/cards/?blocked=false").status_code == 200


@pytest.mark.parametrize("page", ["", " ", "abc", "0"])
def test_a_page_number_that_is_not_one_is_404_not_the_first_page(alice, page):
    """schemathesis found `?page=` answered as page 1 (the schema says page is an integer)."""
    client = Client()
    client.force_login(alice)
    answer = client.get("/api/clients/", {"page": page})
    assert answer.status_code == 404
    assert answer.json()["detail"].startswith("Invalid page")
    assert client.get("/api/clients/", {"page": "1"}).status_code == 200
