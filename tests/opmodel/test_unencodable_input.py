"""A lone UTF-16 surrogate ("\\ud800", valid JSON, not encodable as UTF-8) in a choice field or a
dict key is a 400 naming the field: DRF's message quotes the input, and the error body is written
with the surrogate named (U+D800) instead of breaking the JSON renderer (a 500)."""

import json

import pytest

from opmodel.errors import _flat
from reviews.services.reviews import review_open
from tests.processes.test_api import CARDS, api_as, new_card_payload
from tests.reviews.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

LONE = "\ud800"


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize("field", ["channel", "priority", "payment_terms"])
def test_a_lone_surrogate_in_a_card_choice_is_a_400_naming_the_field(alice, field):
    answer = post_json(api_as(alice), CARDS, new_card_payload(**{field: LONE}))

    assert answer.status_code == 400
    assert "U+D800" in answer.json()[field][0]


def test_a_lone_surrogate_as_a_goal_cadence_is_a_400(bob):
    payload = {"title": "On time", "starts_on": "2026-09-07", "ends_on": "2027-02-28"}
    answer = post_json(api_as(bob), "/api/goals/", {**payload, "cadence": LONE})

    assert answer.status_code == 400
    assert list(answer.json()) == ["cadence"]


def test_a_lone_surrogate_as_a_review_level_is_a_400(bob):
    answer = post_json(api_as(bob), "/api/reviews/", {"level": LONE, "process": "order-to-cash"})

    assert answer.status_code == 400
    assert "U+D800" in answer.json()["level"][0]


@pytest.mark.parametrize("field", ["changes", "rule_kind", "expected"])
def test_a_lone_surrogate_in_a_decision_kind_is_a_400(o2c, bob, alice, field):
    review = review_open(actor=bob, process=o2c, level="daily", held_on=TODAY, now=NOW)
    payload = {"text": "Call", "owner": alice.username, "due_on": str(TODAY), field: LONE}

    answer = post_json(api_as(bob), f"/api/reviews/{review.pk}/decisions/", payload)

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_a_review_close_with_a_bad_note_answers_flat_field_errors(o2c, bob):
    review = review_open(actor=bob, process=o2c, level="daily", held_on=TODAY, now=NOW)
    url = f"/api/reviews/{review.pk}/close/"

    surrogate_key = post_json(api_as(bob), url, {"notes": {LONE: "talked"}})
    by_index = post_json(api_as(bob), url, {"discussed": ["ok", {}]})

    assert surrogate_key.status_code == 400
    assert surrogate_key.json() == {"notes": ["No agenda item “U+D800”."]}
    assert by_index.status_code == 400
    assert by_index.json() == {"discussed": ["1: Not a valid string."]}


def test_nested_errors_flatten_to_words_led_by_their_item():
    assert _flat({0: ["bad"], "k": {"x": ["worse"]}}) == ["0: bad", "k: x: worse"]
