"""Win rate and margin read the process's statuses as data (issue 10): a second process whose
commitment point and won/lost statuses have other slugs than order to cash's gets correct
figures. Week 2026-W47 runs from Sun 2026-11-15 23:00 to Sun 2026-11-22 23:00 UTC (Berlin)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from metrics.flow import weekly_flow_metrics
from processes.models import Client, Process, Status, StatusOutcome, Transition
from processes.services import card_create, card_item_add, card_transition, card_update
from roles.models import ProcessRole, RoleKind

WEEK = "2026-W47"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def at(day, hour=9):
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def quotes(db, alice):
    """new -> offered -> signed (the commitment point) -> won; `dropped` (lost) from any open."""
    process = Process.objects.create(slug="quotes", name="Quotes")
    statuses = {}
    for order, (slug, final, outcome, commitment) in enumerate(
        [
            ("new", False, "", False),
            ("offered", False, "", False),
            ("signed", False, "", True),
            ("won", True, StatusOutcome.WON, False),
            ("dropped", True, StatusOutcome.LOST, False),
        ]
    ):
        statuses[slug] = Status.objects.create(
            process=process,
            slug=slug,
            name=slug.title(),
            order=order,
            final=final,
            outcome=outcome,
            commitment_point=commitment,
        )
    for order, (name, sources, target) in enumerate(
        [
            ("offer", ["new"], "offered"),
            ("sign", ["offered"], "signed"),
            ("win", ["signed"], "won"),
            ("drop", ["new", "offered", "signed"], "dropped"),
        ]
    ):
        transition = Transition.objects.create(
            process=process,
            name=name,
            label=name.title(),
            target=statuses[target],
            allowed_roles=["executor"],
            conditions=[],
            order=order,
        )
        transition.sources.set([statuses[s] for s in sources])
    ProcessRole.objects.create(process_id=process.pk, kind=RoleKind.EXECUTOR, user=alice)
    return process


def test_win_rate_and_margin_follow_the_statuses_outcomes(quotes, alice):
    client = Client.objects.create(name="acme")

    def card(channel, created, price, cost, discount):
        made = card_create(
            actor=alice, process=quotes, title=f"{channel} quote", client=client,
            channel=channel, responsible=alice, at=created,
        )  # fmt: skip
        card_item_add(
            actor=alice, card=made, product="Pump", quantity=Decimal("1"),
            unit_price=Decimal(price), unit_cost=Decimal(cost), at=created,
        )  # fmt: skip
        card_update(
            actor=alice, card=made, changes={"discount_percent": Decimal(discount)}, at=created
        )
        return made

    # Two signed in the week (their margins are the figures), one of them won; two dropped.
    signed_won = card("email", at(16), "100", "60", "10")  # net 90, margin (90-60)/90 = 33.33 %
    card_transition(actor=alice, card=signed_won, name="offer", at=at(16, 10))
    card_transition(actor=alice, card=signed_won, name="sign", at=at(17))
    card_transition(actor=alice, card=signed_won, name="win", at=at(18))

    signed_open = card("email", at(16), "200", "190", "0")  # margin 5 %: under the 12 % floor
    card_transition(actor=alice, card=signed_open, name="offer", at=at(16, 10))
    card_transition(actor=alice, card=signed_open, name="sign", at=at(19))

    for hour in (11, 12):
        dropped = card("phone", at(16), "50", "40", "0")
        card_transition(actor=alice, card=dropped, name="offer", at=at(17, hour))
        card_transition(actor=alice, card=dropped, name="drop", at=at(18, hour))

    figures = weekly_flow_metrics(process=quotes, week=WEEK, now=NOW)

    assert figures["throughput"] == {
        "total": 3,
        "closed": 1,
        "lost": 2,
        "by_status": {"dropped": 2, "won": 1},
    }
    assert figures["win_rate"]["closed"] == 1
    assert figures["win_rate"]["lost"] == 2
    assert figures["win_rate"]["rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["win_rate"]["by_channel"]["email"]["rate"] == 1.0
    assert figures["win_rate"]["by_channel"]["phone"]["rate"] == 0.0
    margin = figures["margin"]
    assert (margin["agreed"], margin["under_floor"]) == (2, 1)
    assert margin["average_margin_percent"] == pytest.approx((33.33 + 5) / 2, abs=0.01)
    assert margin["average_discount_percent"] == pytest.approx(5.0)
