"""The demo's promises: on the agreed cards, some at risk, two missed
(processes/management/commands/seed_demo.py, stock's seed_demo_stock)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from processes.models import Event, EventKind, RequestCard
from processes.promises import AT_RISK, promises_for

pytestmark = pytest.mark.django_db


def test_demo_promises_agreed_cards_some_at_risk_two_missed(o2c, purchasing):
    call_command("seed_demo")
    call_command("seed_demo_stock")
    waiting = list(
        RequestCard.objects.filter(process=o2c, status__in=["agreed", "awaiting_payment"])
    )
    assert waiting and all(card.promised_on for card in waiting)
    outcomes = Event.objects.filter(card__process=o2c, kind=EventKind.PROMISE_OUTCOME)
    assert outcomes.filter(data__outcome="missed").count() == 2
    assert outcomes.filter(data__outcome="kept").count() >= 50
    promises = promises_for(waiting, now=timezone.now(), process=o2c)
    risky = [c for c in waiting if promises[c.pk].state == AT_RISK]
    assert len(risky) >= 2
    # The short order waits at least for its purchase card's date, 4 days after its promised
    # date (later when the typical remaining time ends later: around New Year's holidays it
    # does; tests/stock/test_promise_arrival.py pins the arrival exactly).
    drills = next(c for c in waiting if c.title == "Renovation crew: drills")
    assert promises[drills.pk].expected_on - promises[drills.pk].promised_on >= timedelta(days=4)
    assert promises[drills.pk].state == AT_RISK
