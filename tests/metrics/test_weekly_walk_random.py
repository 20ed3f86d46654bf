"""The walk (metrics/flow/walk.py) against each week computed alone (weekly_flow_metrics, the
definition) on a random history: cards written in random order (event ids out of time order),
moves, blocks, line items, discount, owner and client changes at instants shared by several
cards and by several events of one card (ties), losses, over the autumn DST change (2026-W43)
and week 53 into 2027. Every figure of every week must be equal: the moves of the finished
cards and the line items of the agreed ones are read from the walk's copies in card order."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from metrics.flow import weekly_flow_metrics, weekly_flow_walk
from opmodel.errors import DomainError
from processes.models import Client, ExceptionRule
from processes.services import (
    card_block,
    card_create,
    card_item_add,
    card_transition,
    card_unblock,
    card_update,
)

NOW = datetime(2027, 1, 13, 12, tzinfo=UTC)  # Wednesday of 2027-W02
FIRST = datetime(2026, 10, 5, 6, tzinfo=UTC)  # Monday of 2026-W41
WEEKS = [f"2026-W{n}" for n in range(41, 54)] + ["2027-W01", "2027-W02"]
PATH = ["qualify", "price", "agree", "invoice", "fulfil", "close"]
GAPS = [timedelta(0), timedelta(0), timedelta(hours=1), timedelta(hours=7), timedelta(days=1),
        timedelta(days=3), timedelta(days=8)]  # fmt: skip


@pytest.fixture
def random_history(o2c, alice, bob):
    ExceptionRule.objects.filter(process=o2c).update(is_active=False)
    rng = random.Random(25)
    clients = [Client.objects.create(name=f"client {i}") for i in range(4)]
    # Instants on a 6-hour grid: many cards share them, and one card's events often do.
    grid = [
        FIRST + timedelta(hours=6 * i) for i in range(int((NOW - FIRST).total_seconds() // 21600))
    ]
    written = {"moves": 0, "items": 0, "blocks": 0, "finished": 0}
    for n in range(36):  # the cards in random order of their creation
        when = rng.choice(grid[: len(grid) - 8])
        card = card_create(
            actor=alice,
            process=o2c,
            title=f"R{n}",
            client=rng.choice([*clients, None]),
            channel=rng.choice(["email", "phone", "website"]),
            responsible=rng.choice([alice, None]),
            at=when,
        )
        if rng.random() < 0.8:  # agreeing needs the promised date
            promised = (when + timedelta(days=20)).date()
            changes = {"shipment_date": promised, "promised_on": promised}
            card_update(actor=alice, card=card, changes=changes, at=when)
        step, blocked = 0, False
        while step < len(PATH):
            when += rng.choice(GAPS)
            if when >= NOW:
                break
            roll = rng.random()
            try:
                if roll < 0.12:
                    card_item_add(
                        actor=alice,
                        card=card,
                        product=f"P{rng.randrange(5)}",
                        quantity=Decimal(rng.randrange(1, 4)),
                        unit_price=Decimal(rng.randrange(50, 500)),
                        unit_cost=Decimal(rng.randrange(10, 400)),
                        at=when,
                    )
                    written["items"] += 1
                elif roll < 0.2:
                    card_update(
                        actor=alice,
                        card=card,
                        changes={"discount_percent": Decimal(rng.randrange(0, 30))},
                        at=when,
                    )
                elif roll < 0.25:
                    changes = rng.choice([{"responsible": bob}, {"client": rng.choice(clients)}])
                    card_update(actor=alice, card=card, changes=changes, at=when)
                elif roll < 0.35 and not blocked:
                    card_block(actor=alice, card=card, reason="waiting_stock", at=when)
                    blocked = True
                    written["blocks"] += 1
                elif blocked and roll < 0.6:
                    card_unblock(actor=alice, card=card, at=when)
                    blocked = False
                elif roll < 0.42:
                    card_transition(
                        actor=alice, card=card, name="mark_lost", lost_reason="No reply", at=when
                    )
                    written["finished"] += 1
                    break
                elif not blocked:
                    card_transition(actor=alice, card=card, name=PATH[step], at=when)
                    step += 1
                    written["moves"] += 1
                    written["finished"] += step == len(PATH)
            except DomainError:
                pass  # refused by a rule of the process: the history goes on without it
            card.refresh_from_db()
    return written


def test_the_walk_equals_each_week_alone_on_a_random_history(random_history, o2c):
    walked = dict(weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW))

    assert list(walked) == WEEKS
    for week in WEEKS:
        assert walked[week] == weekly_flow_metrics(process=o2c, week=week, now=NOW), week
    # The history exercises what the walk's copies hold: moves of finished cards, line items
    # of agreed cards, blocks.
    assert min(random_history.values()) > 3, random_history
    assert sum(w["throughput"]["total"] for w in walked.values()) == random_history["finished"]
    assert any(w["margin"]["agreed"] for w in walked.values())
    assert any(w["time_in_status"] for w in walked.values())
