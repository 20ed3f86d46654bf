"""The card's SLA clock on the standard calendar (Europe/Berlin, Mon-Fri 09:00-18:00, German
public holidays). Expected instants are written out in UTC: Berlin is UTC+1 in winter."""

from datetime import UTC, datetime

import pytest

from processes.services import (
    card_block,
    card_create,
    card_transition,
    card_unblock,
    card_update,
)
from processes.sla import sla_state, target_state
from tests.conftest import settle


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def new_card(o2c, alice, acme):
    def make(at, priority="normal"):
        return card_create(
            actor=alice, process=o2c, title="Cable order", client=acme, priority=priority, at=at
        )

    return make


@pytest.mark.parametrize(
    ("created", "priority", "due", "at_risk"),
    [
        # Monday 10:00 Berlin, 4 business hours: due 14:00, at risk at 75 % = 13:00.
        (utc(2026, 11, 23, 9), "normal", utc(2026, 11, 23, 13), utc(2026, 11, 23, 12)),
        # Urgent: 1 business hour; at risk after 45 minutes.
        (utc(2026, 11, 23, 9), "urgent", utc(2026, 11, 23, 10), utc(2026, 11, 23, 9, 45)),
        # Friday 16:00 Berlin: 2 hours on Friday, 2 on Monday -> Monday 11:00 Berlin.
        (utc(2026, 11, 27, 15), "normal", utc(2026, 11, 30, 10), utc(2026, 11, 30, 9)),
        # Christmas Day and Boxing Day are holidays, then the weekend: Monday 28th from 09:00.
        (utc(2026, 12, 25, 9), "normal", utc(2026, 12, 28, 12), utc(2026, 12, 28, 11)),
        # Sunday night: the clock starts Monday 09:00 Berlin.
        (utc(2026, 11, 22, 22), "high", utc(2026, 11, 23, 10), utc(2026, 11, 23, 9, 30)),
    ],
    ids=["monday-morning", "urgent", "over-weekend", "over-christmas", "sunday-night"],
)
def test_due_instants_on_entering_a_status(new_card, created, priority, due, at_risk):
    card = new_card(created, priority)
    assert (card.due_at, card.at_risk_at) == (due, at_risk)
    assert card.sla_visit == 1
    assert card.sla_allowance == {"normal": 4, "urgent": 1, "high": 2}[priority] * 3600


def test_sla_state_moves_on_track_at_risk_breached(new_card):
    card = new_card(utc(2026, 11, 23, 9))
    assert sla_state(card, utc(2026, 11, 23, 11, 59)) == "on_track"
    assert sla_state(card, utc(2026, 11, 23, 12)) == "at_risk"
    # Breached means after the deadline: at its very instant the card is still on time.
    assert sla_state(card, utc(2026, 11, 23, 13)) == "at_risk"
    assert sla_state(card, utc(2026, 11, 23, 13, 0, 0, 1)) == "breached"


def test_block_pauses_the_clock_and_pushes_the_deadline_out(new_card, alice):
    card = new_card(utc(2026, 11, 23, 9))  # Monday 10:00 Berlin
    card_block(actor=alice, card=card, reason="waiting_stock", at=utc(2026, 11, 23, 10))
    assert (card.due_at, card.at_risk_at, card.sla_consumed) == (None, None, 3600)
    # Paused: the state is judged on business time used (1 of 4 hours).
    assert sla_state(card, utc(2026, 11, 30, 9)) == "on_track"
    card_unblock(actor=alice, card=card, at=utc(2026, 11, 23, 14))  # 15:00 Berlin
    # 3 hours left from 15:00 Berlin: 18:00 Berlin.
    assert card.due_at == utc(2026, 11, 23, 17)
    # At risk once 3 of 4 hours are used: 2 hours after 15:00.
    assert card.at_risk_at == utc(2026, 11, 23, 16)
    card.refresh_from_db()
    assert card.due_at == utc(2026, 11, 23, 17)


def test_a_new_status_visit_gets_a_fresh_allowance(new_card, alice):
    card = new_card(utc(2026, 11, 23, 9))
    card_transition(actor=alice, card=card, name="qualify", at=utc(2026, 11, 23, 11))
    # qualified: 8 business hours from 12:00 Berlin: 6 today, 2 on Tuesday -> 11:00 Berlin.
    assert card.sla_visit == 2
    assert card.due_at == utc(2026, 11, 24, 10)
    card.refresh_from_db()
    assert (card.sla_visit, card.due_at) == (2, utc(2026, 11, 24, 10))


def test_waiting_on_customer_status_pauses_and_final_status_stops(priced_card, alice):
    card = priced_card
    card_transition(actor=alice, card=card, name="qualify")
    card_transition(actor=alice, card=card, name="price")
    card_update(
        actor=alice,
        card=card,
        changes={
            "shipment_date": datetime(2030, 1, 15).date(),
            "promised_on": datetime(2030, 1, 15).date(),
        },
    )
    card_transition(actor=alice, card=card, name="agree")
    card_transition(actor=alice, card=card, name="invoice")
    assert card.status == "awaiting_payment"
    assert card.sla_allowance == 40 * 3600
    assert (card.sla_resumed_at, card.due_at) == (None, None)
    # Paused: the state reads the business time used, whatever the instant asked about.
    assert sla_state(card, card.status_changed_at) == "on_track"
    card_transition(actor=alice, card=card, name="mark_lost", lost_reason="Never paid")
    assert (card.sla_allowance, card.due_at) == (None, None)
    assert sla_state(card, card.status_changed_at) is None


def test_raising_priority_keeps_the_time_used(new_card, alice):
    card = new_card(utc(2026, 11, 23, 9))
    card_update(actor=alice, card=card, changes={"priority": "urgent"}, at=utc(2026, 11, 23, 9, 30))
    # 30 minutes of the urgent hour are used: due 30 minutes later.
    assert card.sla_allowance == 3600
    assert card.due_at == utc(2026, 11, 23, 10)
    assert card.at_risk_at == utc(2026, 11, 23, 9, 45)


def test_unblock_in_a_waiting_status_keeps_the_clock_paused(priced_card, alice):
    card = priced_card
    for name in ["qualify", "price"]:
        card_transition(actor=alice, card=card, name=name)
    card_update(
        actor=alice,
        card=card,
        changes={
            "shipment_date": datetime(2030, 1, 15).date(),
            "promised_on": datetime(2030, 1, 15).date(),
        },
    )
    card_transition(actor=alice, card=card, name="agree")
    card_transition(actor=alice, card=card, name="invoice")
    card_block(actor=alice, card=card, reason="waiting_customer")
    card_unblock(actor=alice, card=card)
    assert (card.sla_resumed_at, card.due_at) == (None, None)


def test_api_and_pages_show_sla_state_and_due_at(new_card, alice, client, time_machine):
    card = new_card(utc(2026, 11, 23, 9))
    time_machine.move_to(utc(2026, 11, 23, 12, 30), tick=False)
    client.force_login(alice)
    answer = client.get(f"/api/cards/{card.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["sla_state"] == "at_risk"
    assert body["due_at"] == "2026-11-23T13:00:00Z"
    board = client.get("/").content.decode()
    assert 'class="sla-mark sla-at_risk"' in board
    assert "30m left" in board
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'data-sla="at_risk"' in page and "At risk" in page


def test_whole_process_target_runs_from_creation(new_card):
    card = new_card(utc(2026, 11, 23, 9))  # Monday 10:00 Berlin, normal: 45 business hours
    assert card.target_allowance == 45 * 3600
    # 8 + 9 + 9 + 9 + 9 = 44 hours to Friday's close, 1 more on Monday 30th: 10:00 Berlin.
    assert card.target_due_at == utc(2026, 11, 30, 9)
    # 75 % = 33h45m: 8 + 9 + 9 on Mon-Wed, 7h45m on Thursday: 16:45 Berlin.
    assert card.target_at_risk_at == utc(2026, 11, 26, 15, 45)
    # The state is read at given instants, never at the real clock's (this line read "now" and
    # failed from 2026-11-26 15:45 UTC on).
    assert target_state(card, utc(2026, 11, 26, 15, 44)) == "on_track"
    assert target_state(card, utc(2026, 11, 26, 15, 45)) == "at_risk"
    assert target_state(card, utc(2026, 11, 30, 9)) == "at_risk"  # on time at the instant
    assert target_state(card, utc(2026, 11, 30, 9, 0, 1)) == "breached"


def test_target_pauses_while_blocked_and_stops_at_fulfilled(priced_card, alice):
    card = priced_card
    card_block(actor=alice, card=card, reason="waiting_stock")
    assert (card.target_resumed_at, card.target_due_at) == (None, None)
    card_unblock(actor=alice, card=card)
    assert card.target_due_at is not None
    for name in ["qualify", "price"]:
        card_transition(actor=alice, card=card, name=name)
    card_update(
        actor=alice,
        card=card,
        changes={
            "shipment_date": datetime(2030, 1, 15).date(),
            "promised_on": datetime(2030, 1, 15).date(),
        },
    )
    card_transition(actor=alice, card=card, name="agree")
    card_transition(actor=alice, card=card, name="invoice")
    # Awaiting payment waits on the customer: both clocks pause.
    assert (card.target_resumed_at, card.target_due_at) == (None, None)
    assert card.target_allowance == 45 * 3600
    settle(card)
    card_transition(actor=alice, card=card, name="fulfil")
    assert (card.target_allowance, card.target_due_at) == (None, None)
    assert target_state(card, card.status_changed_at) is None
    card.refresh_from_db()
    assert card.target_allowance is None


def test_target_alerts_carry_visit_zero(new_card, bob):
    # bob, the accountable, hears of the at-risk target: the card has nobody responsible.
    from metrics.models import Alert
    from metrics.services.deadlines import deadline_scan
    from notifications.models import Notification

    card = new_card(utc(2026, 11, 23, 9))
    deadline_scan(now=utc(2026, 11, 26, 15, 45))
    alerts = set(Alert.objects.filter(card=card).values_list("visit", "level"))
    assert alerts == {(1, "at_risk"), (1, "breached"), (0, "at_risk")}
    texts = Notification.objects.filter(
        key__in=[f"alert:{pk}" for pk in Alert.objects.filter(visit=0).values_list("pk", flat=True)]
    ).values_list("text", flat=True)
    assert texts and all("whole-process target" in t for t in texts)


def test_card_page_and_api_show_the_process_target(new_card, alice, client, time_machine):
    card = new_card(utc(2026, 11, 23, 9))
    time_machine.move_to(utc(2026, 11, 27, 9), tick=False)
    client.force_login(alice)
    assert client.get(f"/api/cards/{card.pk}/").json()["target_state"] == "at_risk"
    page = client.get(f"/cards/{card.pk}/").content.decode()
    assert 'data-target="at_risk"' in page
