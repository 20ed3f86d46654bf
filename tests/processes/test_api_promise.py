"""The promise in the API: `promised_on` written by PATCH with the version like the other
fields, `promise` computed ({promised_on, expected_on, state}); and what it costs the board and
the card list (a fixed number of queries whatever the number of cards)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from processes.models import Event, EventKind, RequestCard
from processes.services import card_transition, card_update
from tests.conftest import settle
from tests.processes.test_api import CARDS, api_as, card_url

pytestmark = pytest.mark.django_db

# Wednesday 2026-11-18, 11:00 in Berlin.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _patch(user, card, body):
    return api_as(user).patch(card_url(card), body, format="json")


def test_a_card_without_a_promise_says_null(alice, priced_card):
    body = api_as(alice).get(card_url(priced_card)).json()
    assert (body["promised_on"], body["promise"]) == (None, None)


def test_patch_sets_and_moves_the_promise_with_the_version(alice, priced_card):
    answer = _patch(alice, priced_card, {"promised_on": "2026-11-20", "version": 2})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    # No history and no stock: expected now.
    assert body["promised_on"] == "2026-11-20"
    assert body["promise"] == {
        "promised_on": "2026-11-20",
        "expected_on": "2026-11-18",
        "state": "on_track",
    }
    moved = _patch(
        alice,
        priced_card,
        {"promised_on": "2026-11-17", "version": body["version"], "promise_reason": "Rush"},
    )
    assert moved.status_code == 400
    assert moved.json() == {"promised_on": ["A promised date cannot be in the past."]}
    unexplained = _patch(alice, priced_card, {"promised_on": "2026-11-24"})
    assert unexplained.status_code == 400
    assert unexplained.json() == {"promise_reason": ["Say why the promised date changes."]}
    moved = _patch(
        alice,
        priced_card,
        {"promised_on": "2026-11-24", "promise_reason": "The client asked for Tuesday."},
    )
    assert moved.status_code == 200
    events = api_as(alice).get(card_url(priced_card, "events/")).json()
    changes = [e for e in events if e["kind"] == "promise_changed"]
    assert [(e["data"]["old"], e["data"]["new"], e["reason"]) for e in changes] == [
        ("", "2026-11-20", ""),
        ("2026-11-20", "2026-11-24", "The client asked for Tuesday."),
    ]


@pytest.mark.parametrize("value", ["next week", "2026-13-01", 20261120, "", True, ["2026-11-20"]])
def test_a_bad_date_is_a_400_naming_the_field(alice, priced_card, value):
    answer = _patch(alice, priced_card, {"promised_on": value})
    assert answer.status_code == 400
    assert list(answer.json()) == ["promised_on"]
    assert RequestCard.objects.get(pk=priced_card.pk).promised_on is None


def test_the_computed_promise_is_not_patchable(alice, priced_card):
    answer = _patch(alice, priced_card, {"promise": {"state": "kept"}})
    assert answer.status_code == 400
    assert list(answer.json()) == ["promise"]


def test_who_may_not_edit_gets_403_and_a_stranger_404(olga, charlie, priced_card):
    assert _patch(olga, priced_card, {"promised_on": "2026-11-20"}).status_code == 403
    assert _patch(charlie, priced_card, {"promised_on": "2026-11-20"}).status_code == 404
    assert RequestCard.objects.get(pk=priced_card.pk).promised_on is None


def test_a_stale_version_is_a_409_and_changes_nothing(alice, priced_card):
    stale = priced_card.version
    card_update(actor=alice, card=priced_card, changes={"promised_on": date(2026, 11, 20)})
    answer = _patch(
        alice,
        priced_card,
        {"promised_on": "2026-11-27", "version": stale, "promise_reason": "Late stock"},
    )
    assert answer.status_code == 409
    assert RequestCard.objects.get(pk=priced_card.pk).promised_on == date(2026, 11, 20)
    assert Event.objects.filter(card=priced_card, kind=EventKind.PROMISE_CHANGED).count() == 1


def test_a_shipped_card_reads_kept_or_missed(alice, priced_card):
    card_update(actor=alice, card=priced_card, changes={"promised_on": date(2026, 11, 18)})
    for name in ["qualify", "price", "agree", "invoice"]:
        card_transition(actor=alice, card=priced_card, name=name)
    settle(priced_card)
    card_transition(
        actor=alice, card=priced_card, name="fulfil", at=datetime(2026, 11, 19, 9, tzinfo=UTC)
    )
    body = api_as(alice).get(card_url(priced_card)).json()
    assert body["promise"] == {
        "promised_on": "2026-11-18",
        "expected_on": "2026-11-19",
        "state": "missed",
    }


# ------------------------------------------------------------------ query counts


def _promised_cards(make_card, alice, acme, count):
    for i in range(count):
        card = make_card(title=f"Order {i}", client=acme, responsible=alice)
        card_update(actor=alice, card=card, changes={"promised_on": date(2026, 11, 18 + i % 3)})


@pytest.mark.parametrize("count", [3, 30])
def test_board_with_promises_runs_a_fixed_number_of_queries(
    client, make_card, alice, acme, count, django_assert_num_queries
):
    _promised_cards(make_card, alice, acme, count)
    client.force_login(alice)
    # The board's 13 (tests/processes/test_views.py) and, for the promises: stock's expected
    # arrivals (one query), and, once a week per worker, the typical times (the statuses of
    # the remaining path and the visits of the 12 weeks before).
    with django_assert_num_queries(16):
        response = client.get(reverse("board"))
    assert response.status_code == 200
    with django_assert_num_queries(14):
        response = client.get(reverse("board"))
    # Promised for the 18th, expected the 18th (no history): on track, so no mark on the tile.
    assert response.content.decode().count("data-promise=") == 0


@pytest.mark.parametrize("count", [3, 30])
def test_card_list_with_promises_runs_a_fixed_number_of_queries(
    make_card, alice, acme, count, django_assert_num_queries
):
    _promised_cards(make_card, alice, acme, count)
    api = api_as(alice)
    api.get(CARDS)  # the week's typical times, once per worker
    # token+user, count, cards, line items (tests/processes/test_api_cards.py), and stock's
    # expected arrivals for the page
    with django_assert_num_queries(5):
        answer = api.get(CARDS)
    assert [c["promise"]["state"] for c in answer.json()["results"]] == ["on_track"] * count


def test_board_marks_a_promise_at_risk(client, o2c, make_card, alice):
    from tests.metrics.promise_history import build_history, utc

    build_history(make_card)
    card = make_card("Promised order", at=utc(11, 18, 8), responsible=alice)
    # Agreed since 9:00 in Berlin: expected Thursday (tests/metrics/promise_history.py).
    RequestCard.objects.filter(pk=card.pk).update(
        status="agreed", status_changed_at=utc(11, 18, 8), promised_on=date(2026, 11, 18)
    )
    client.force_login(alice)
    html = client.get(reverse("board")).content.decode()
    assert 'data-promise="at_risk"' in html
    assert "Promise at risk, expected Nov 19" in html
