"""RequestCard's queryset: open cards and the clock's states in SQL agree with the card's clock
(processes.sla.sla_state), for the board, the queue, the risks page, the agendas and the API."""

from datetime import UTC, datetime, timedelta

import pytest

from processes.models import RequestCard
from processes.services import card_block, card_transition
from processes.sla import sla_state

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

pytestmark = pytest.mark.django_db


def _clock(card, **fields) -> RequestCard:
    RequestCard.objects.filter(pk=card.pk).update(**fields)
    return RequestCard.objects.get(pk=card.pk)


@pytest.fixture
def clocks(make_card):
    running = {"sla_allowance": 36000, "sla_resumed_at": NOW - 2 * HOUR}
    paused = {"sla_allowance": 36000, "sla_resumed_at": None}
    return {
        "on_time": _clock(make_card(), **running, at_risk_at=NOW + HOUR, due_at=NOW + 2 * HOUR),
        "at_risk": _clock(make_card(), **running, at_risk_at=NOW - HOUR, due_at=NOW + HOUR),
        "breached": _clock(make_card(), **running, at_risk_at=NOW - 2 * HOUR, due_at=NOW - HOUR),
        "paused_at_risk": _clock(make_card(), **paused, sla_consumed=30000),
        "paused_breached": _clock(make_card(), **paused, sla_consumed=36001),
        "paused_on_time": _clock(make_card(), **paused, sla_consumed=1000),
        "no_clock": _clock(make_card(), sla_allowance=None),
    }


def test_the_clock_states_in_sql_are_those_of_the_card(clocks):
    ids = [c.pk for c in clocks.values()]
    cards = RequestCard.objects.filter(pk__in=ids)
    in_sql = {
        "at_risk": set(cards.at_risk(NOW).values_list("pk", flat=True)),
        "breached": set(cards.breached(NOW).values_list("pk", flat=True)),
    }
    in_python = {
        state: {c.pk for c in clocks.values() if sla_state(c, NOW) == state}
        for state in ("at_risk", "breached")
    }
    assert in_sql == in_python
    assert in_sql == {
        "at_risk": {clocks["at_risk"].pk, clocks["paused_at_risk"].pk},
        "breached": {clocks["breached"].pk, clocks["paused_breached"].pk},
    }


def test_open_leaves_finished_cards_out_and_blocked_keeps_blocked_ones(make_card, alice):
    lost, blocked, plain = make_card(), make_card(), make_card()
    card_transition(actor=alice, card=lost, name="mark_lost", lost_reason="No budget")
    card_block(actor=alice, card=blocked, reason="waiting_customer")
    cards = RequestCard.objects.filter(pk__in=[lost.pk, blocked.pk, plain.pk])
    assert set(cards.open()) == {blocked, plain}
    assert list(cards.blocked()) == [blocked]
