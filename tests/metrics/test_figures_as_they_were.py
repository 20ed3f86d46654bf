"""Every figure true to the events, second pass (issue 20): hand-built histories with edits after
the fact, each expected figure written out. The suite runs them on SQLite and on PostgreSQL.

Weeks: 2026-W47 is Mon Nov 16 to Mon Nov 23 00:00 Europe/Berlin (Nov 15 23:00 to Nov 22 23:00
UTC), W48 the week after. Times are UTC; business hours 08:00-17:00 UTC on weekdays; in
received an urgent card has 1 business hour, a normal one 4.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from metrics.dashboards.cells import fmt
from metrics.flow import weekly_flow_metrics
from metrics.flow.members import cards_behind
from metrics.models import WeeklyFigure
from metrics.services.snapshots import weekly_snapshot_compute
from opmodel.formatting import percent_text
from processes.models import ApprovalRequest, Client, Event, EventKind, ExceptionRule, RequestCard
from processes.services import (
    approval_decide,
    card_create,
    card_item_add,
    card_transition,
    card_update,
)

W47, W48 = "2026-W47", "2026-W48"
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def at(month, day, hour=9, minute=0, second=0, micro=0):
    return datetime(2026, month, day, hour, minute, second, micro, tzinfo=UTC)


def figures(o2c, week):
    return weekly_flow_metrics(process=o2c, week=week, now=NOW)


def _rows(o2c, week):
    weekly_snapshot_compute(process_id=o2c.pk, week=week, now=NOW)
    return sorted(
        WeeklyFigure.objects.filter(snapshot__week=week).values_list("metric", "dimension", "value")
    )


# Repeat requests: the client each card had at the week's end ---------------------------------


@pytest.fixture
def clients(o2c, alice):
    acme, beta = Client.objects.create(name="acme"), Client.objects.create(name="beta")

    def create(when, client=None):
        return card_create(actor=alice, process=o2c, title="Order", client=client, at=when)

    cards = {
        # C1, C2 come in without a client; D and E for beta.
        "C1": create(at(11, 17)),
        "C2": create(at(11, 18)),
        "D": create(at(11, 17), beta),
        "E": create(at(11, 18), beta),
    }
    return acme, beta, cards


def _give_clients_a_week_later(alice, acme, cards):
    when = at(11, 24)  # Tuesday of W48
    for name in ("C1", "C2", "E"):
        card_update(actor=alice, card=cards[name], changes={"client": acme}, at=when)


def _repeat(o2c, week):
    return [(c["name"], c["cards"]) for c in figures(o2c, week)["repeat_requests"]["top"]]


def test_a_client_given_a_week_later_changes_no_past_repeat_figure(o2c, alice, clients):
    acme, beta, cards = clients
    before = _rows(o2c, W47)
    assert _repeat(o2c, W47) == [("beta", 2)]

    _give_clients_a_week_later(alice, acme, cards)

    # W47 as it was: C1 and C2 had no client, E was beta's.
    assert _repeat(o2c, W47) == [("beta", 2)]
    assert cards_behind(process=o2c, week=W47, metric="repeat_requests", now=NOW) == sorted(
        [cards["D"].pk, cards["E"].pk]
    )
    assert _rows(o2c, W47) == before
    # W48 counts the clients as they are at its end: acme has C1, C2 and E; beta only D.
    assert _repeat(o2c, W48) == [("acme", 3)]
    assert cards_behind(
        process=o2c, week=W48, metric="repeat_requests", key=str(acme.pk), now=NOW
    ) == sorted([cards["C1"].pk, cards["C2"].pk, cards["E"].pk])


def test_the_history_says_the_client_a_card_started_with_and_each_change(o2c, alice, clients):
    acme, beta, cards = clients
    _give_clients_a_week_later(alice, acme, cards)
    created = cards["E"].events.get(kind=EventKind.CREATED).data
    assert (created["client"], created["client_id"]) == ("beta", beta.pk)
    assert cards["C1"].events.get(kind=EventKind.CREATED).data["client_id"] is None
    change = cards["E"].events.get(kind=EventKind.FIELD_CHANGE).data
    assert change == {
        "field": "client",
        "old": "beta",
        "new": "acme",
        "old_id": beta.pk,
        "new_id": acme.pk,
    }


def _older_card(o2c, client, when):
    """A card as the services wrote it before its created event carried the client."""
    card = RequestCard.objects.create(
        process=o2c, title="Older", client=client, status="received", created_at=when
    )
    Event(
        card=card,
        kind=EventKind.CREATED,
        at=when,
        to_status="received",
        data={"channel": "email", "priority": "normal", "responsible": ""},
    ).save()
    return card


def test_older_cards_count_with_the_client_before_their_first_change_since(o2c, alice):
    # The README's rule for cards whose created event does not say the client: the old value
    # of the first client change after the week's end, else the card's current client.
    acme, beta = Client.objects.create(name="acme"), Client.objects.create(name="beta")
    first, second = _older_card(o2c, acme, at(11, 17)), _older_card(o2c, acme, at(11, 18))
    assert _repeat(o2c, W47) == [("acme", 2)]

    card_update(actor=alice, card=second, changes={"client": beta}, at=at(11, 24))

    assert _repeat(o2c, W47) == [("acme", 2)]  # as it was: acme's until Nov 24
    assert _repeat(o2c, W48) == []  # acme: first; beta: second
    assert first.client_id == acme.pk


# Deadlines: a passed deadline stays passed ----------------------------------------------------


def _received_breaches(o2c, week):
    return figures(o2c, week)["sla"]["by_status"].get("received", {}).get("breaches", 0)


def test_a_priority_lowered_after_the_deadline_passed_leaves_the_breach(o2c, alice, acme):
    # Urgent on Friday 15:00: 1 business hour, due Friday 16:00 (W47). Lowered to normal on
    # Monday 08:30 (W48): 2.5 of 4 business hours used, but the deadline has passed already.
    card = card_create(
        actor=alice, process=o2c, title="Rush", client=acme, priority="urgent", at=at(11, 20, 15)
    )
    assert card.due_at == at(11, 20, 16)
    before = _rows(o2c, W47)
    assert _received_breaches(o2c, W47) == 1

    card_update(actor=alice, card=card, changes={"priority": "normal"}, at=at(11, 23, 8, 30))

    card.refresh_from_db()
    assert card.due_at == at(11, 20, 16)
    assert _received_breaches(o2c, W47) == 1
    assert _rows(o2c, W47) == before
    assert _received_breaches(o2c, W48) == 0
    # The history says so: the priority change and the deadline it left where it was.
    change = card.events.get(kind=EventKind.FIELD_CHANGE).data
    assert change == {
        "field": "priority",
        "old": "urgent",
        "new": "normal",
        "deadline": {"old": "2026-11-20T16:00:00+00:00", "new": "2026-11-20T16:00:00+00:00"},
    }


def test_a_priority_changed_before_the_deadline_moves_it_and_the_history_records_it(
    o2c, alice, acme
):
    # Urgent on Friday 16:30: due Monday 08:30. Normal on Monday 08:15: 0.75 of 4 hours used,
    # 3.25 left: due Monday 11:30.
    card = card_create(
        actor=alice,
        process=o2c,
        title="Rush",
        client=acme,
        priority="urgent",
        at=at(11, 20, 16, 30),
    )
    assert card.events.get(kind=EventKind.CREATED).data["deadline"] == {
        "old": "",
        "new": "2026-11-23T08:30:00+00:00",
    }
    card_update(actor=alice, card=card, changes={"priority": "normal"}, at=at(11, 23, 8, 15))
    assert card.due_at == at(11, 23, 11, 30)
    assert card.events.get(kind=EventKind.FIELD_CHANGE).data["deadline"] == {
        "old": "2026-11-23T08:30:00+00:00",
        "new": "2026-11-23T11:30:00+00:00",
    }
    assert _received_breaches(o2c, W47) == 0
    # Qualified at 12:00, after the moved deadline: the move records the visit's outcome and
    # the next visit's deadline (qualified: 8 business hours, 5 on Monday: Tuesday 11:00).
    card_transition(actor=alice, card=card, name="qualify", at=at(11, 23, 12))
    moved = card.events.get(kind=EventKind.TRANSITION).data
    assert moved["sla"] == {"due_at": "2026-11-23T11:30:00+00:00", "breached": True}
    assert moved["deadline"] == {
        "old": "2026-11-23T11:30:00+00:00",
        "new": "2026-11-24T11:00:00+00:00",
    }
    assert _received_breaches(o2c, W48) == 1


# The two instants the definitions fix ----------------------------------------------------------


def test_leaving_at_the_deadlines_instant_is_on_time(o2c, alice, acme):
    # Normal, created Monday 09:00: due 13:00. One leaves at 13:00 exactly, one a second later.
    on_time = card_create(actor=alice, process=o2c, title="A", client=acme, at=at(11, 16))
    late = card_create(actor=alice, process=o2c, title="B", client=acme, at=at(11, 16))
    card_transition(actor=alice, card=on_time, name="qualify", at=at(11, 16, 13))
    card_transition(actor=alice, card=late, name="qualify", at=at(11, 16, 13, 0, 1))

    assert on_time.events.get(kind=EventKind.TRANSITION).data["sla"]["breached"] is False
    received = figures(o2c, W47)["sla"]["by_status"]["received"]
    assert received == {"visits": 2, "ended_late": 1, "breaches": 1}
    for metric in ("sla_ended_late", "sla_breaches"):
        assert cards_behind(process=o2c, week=W47, metric=metric, key="received", now=NOW) == [
            late.pk
        ]


def _agreeable(o2c, alice, acme, channel, when):
    card = card_create(
        actor=alice, process=o2c, title="Deal", client=acme, channel=channel, at=at(11, 16)
    )
    card_transition(actor=alice, card=card, name="qualify", at=at(11, 16, 10))
    card_item_add(
        actor=alice,
        card=card,
        product="Press",
        quantity=Decimal("1"),
        unit_price=Decimal("100"),
        unit_cost=Decimal("50"),
        at=at(11, 16, 11),
    )
    card_update(
        actor=alice,
        card=card,
        changes={"shipment_date": at(12, 1).date(), "promised_on": at(12, 1).date()},
        at=when,
    )
    card_transition(actor=alice, card=card, name="price", at=at(11, 16, 12))
    return card


def test_a_change_at_the_same_instant_as_a_move_counts_in_the_order_written(o2c, alice, acme):
    agreed_at = at(11, 18)
    # Website: agreed, then (written after, same instant) a 5% discount: agreed without it.
    after = _agreeable(o2c, alice, acme, "website", at(11, 16, 11))
    card_transition(actor=alice, card=after, name="agree", at=agreed_at)
    card_update(actor=alice, card=after, changes={"discount_percent": Decimal("5")}, at=agreed_at)
    # Partner: the 5% discount written first, then agreed at the same instant: agreed with it.
    before = _agreeable(o2c, alice, acme, "partner", at(11, 16, 11))
    card_update(actor=alice, card=before, changes={"discount_percent": Decimal("5")}, at=agreed_at)
    card_transition(actor=alice, card=before, name="agree", at=agreed_at)

    by_channel = figures(o2c, W47)["margin"]["by_channel"]
    assert by_channel["website"]["average_discount_percent"] == 0.0
    assert by_channel["website"]["average_margin_percent"] == 50.0
    assert by_channel["partner"]["average_discount_percent"] == 5.0
    # net 95.00, cost 50: 47.368...% shown 47.37
    assert by_channel["partner"]["average_margin_percent"] == 47.37


# One rounding rule: the margin floor read as shown ---------------------------------------------


def test_a_margin_of_11_995_is_12_on_the_card_in_the_rule_and_on_the_dashboard(
    o2c, alice, olga, acme
):
    rule = ExceptionRule.objects.get(process=o2c, field="margin_percent", is_active=True)
    assert (rule.operator, rule.threshold) == ("<", "12")

    def agreed(channel, cost):
        card = _agreeable(o2c, alice, acme, channel, at(11, 16, 11))
        card_item_add(
            actor=alice,
            card=card,
            product="Fittings",
            quantity=Decimal("1"),
            unit_price=Decimal("100"),
            unit_cost=Decimal(cost) - Decimal("50"),
            at=at(11, 16, 11, 30),
        )
        card.refresh_from_db()
        for request in ApprovalRequest.objects.filter(card=card, status="pending"):
            approval_decide(actor=olga, approval=request, approve=True, at=at(11, 17))
        card.refresh_from_db()
        card_transition(actor=alice, card=card, name="agree", at=at(11, 18))
        return card

    # Net 200.00 and cost 176.01: 11.995% exactly, shown 12.00; cost 176.02: 11.99%.
    shown_twelve = agreed("website", "176.01")
    under = agreed("partner", "176.02")

    assert shown_twelve.margin_percent == Decimal("12.00")
    assert not rule.matches(shown_twelve)
    assert not ApprovalRequest.objects.filter(card=shown_twelve).exists()
    assert under.margin_percent == Decimal("11.99")
    assert rule.matches(under)
    assert ApprovalRequest.objects.filter(card=under, rule=rule).exists()

    margin = figures(o2c, W47)["margin"]
    assert margin["floor_percent"] == 12.0
    assert margin["by_channel"]["website"]["under_floor"] == 0
    assert margin["by_channel"]["partner"]["under_floor"] == 1
    assert margin["under_floor"] == 1
    assert margin["by_channel"]["website"]["average_margin_percent"] == 12.0
    assert cards_behind(process=o2c, week=W47, metric="under_floor", now=NOW) == [under.pk]


def test_the_dashboard_writes_a_percentage_as_the_card_does():
    # Two decimals, halves away from zero, whole ones without decimals (opmodel.formatting).
    assert fmt(11.995, "percent") == percent_text(Decimal("12.00")) == "12%"
    assert fmt(11.99, "percent") == percent_text(Decimal("11.99")) == "11.99%"
    assert fmt(0.005, "percent") == "0.01%"
