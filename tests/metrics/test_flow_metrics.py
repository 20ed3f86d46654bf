"""Each flow metric of docs/design.md ("Metric definitions") on a small hand-built history, with
the expected values written out (percentiles checked against numpy's default, linear
interpolation). The suite runs this file on SQLite and on PostgreSQL (CI): the same figures on
both.

The history, in UTC (the process calendar is Europe/Berlin, so ISO week 2026-W47 runs from
Sun 2026-11-15 23:00 to Sun 2026-11-22 23:00 UTC; business hours 08:00-17:00 UTC):

    G acme   email    created Oct 1, qualified Oct 2, lost Oct 6          (cycle 4, lead 5)
    D gamma  website  created Nov 2, qualified Nov 3, priced Nov 4, blocked (stock) Nov 14,
                      unblocked Nov 18, its margin under the floor approved by olga and
                      agreed Nov 19 (price 100, cost 95, discount 10%): open
    A acme   email    created Nov 9, qualified Nov 10, priced Nov 12, blocked (stock) Nov 13 -
                      Nov 14, agreed Nov 17 (2 x 100, cost 2 x 60, discount 5%), invoiced
                      Nov 18, fulfilled Nov 19, closed Nov 20               (cycle 10, lead 11)
    F acme   phone    created Nov 10, qualified Nov 11, blocked (customer) Nov 20: open, and
                      its responsible person removed on Nov 19
    B acme   phone    created Nov 16 09:00, qualified 21:00, lost Nov 18   (cycle 1.5, lead 2)
    C beta   email    created Nov 16, lost Nov 17 straight from received   (cycle 0, lead 1)
    E beta   email    created Nov 18, nobody responsible: open, not started

Every move at 09:00 UTC unless said otherwise.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from metrics.flow import cards_behind, iso_week_bounds, weekly_flow_metrics
from opmodel.errors import InvalidInput
from processes.models import ApprovalRequest, Client, ExceptionRule
from processes.services import (
    card_block,
    card_create,
    card_item_add,
    card_transition,
    card_unblock,
    card_update,
)
from processes.services.approvals import approval_decide
from tests.conftest import settle

WEEK = "2026-W47"
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def history(o2c, alice, olga):
    clients = {name: Client.objects.create(name=name) for name in ["acme", "beta", "gamma"]}

    def create(client, channel, when, responsible=alice):
        return card_create(
            actor=alice,
            process=o2c,
            title=f"{client} {channel} {when:%b %d}",
            client=clients[client],
            channel=channel,
            responsible=responsible,
            at=when,
        )

    def approve(card, when):
        for request in ApprovalRequest.objects.filter(card_id=card.pk, status="pending"):
            approval_decide(actor=olga, approval=request, approve=True, at=when)

    def move(card, name, when, **kw):
        if name in ("fulfil", "close"):
            settle(card)  # paid in full: the money has its own tests (tests/finance/)
        return card_transition(actor=alice, card=card, name=name, at=when, **kw)

    def price(card, when, unit_price, unit_cost, quantity, discount):
        card_item_add(
            actor=alice,
            card=card,
            product="Drill",
            quantity=Decimal(quantity),
            unit_price=Decimal(unit_price),
            unit_cost=Decimal(unit_cost),
            at=when,
        )
        card_update(
            actor=alice,
            card=card,
            changes={
                "discount_percent": Decimal(discount),
                "shipment_date": when.date(),
                "promised_on": when.date(),
            },
            at=when,
        )
        move(card, "price", when)

    cards = {}
    g = cards["G"] = create("acme", "email", at(10, 1))
    move(g, "qualify", at(10, 2))
    move(g, "mark_lost", at(10, 6), lost_reason="Price too high")

    d = cards["D"] = create("gamma", "website", at(11, 2))
    move(d, "qualify", at(11, 3))
    price(d, at(11, 4), "100", "95", "1", "10")
    card_block(actor=alice, card=d, reason="waiting_stock", at=at(11, 14))
    card_unblock(actor=alice, card=d, at=at(11, 18))
    approve(d, at(11, 19, 8))
    move(d, "agree", at(11, 19))

    a = cards["A"] = create("acme", "email", at(11, 9))
    move(a, "qualify", at(11, 10))
    price(a, at(11, 12), "100", "60", "2", "5")
    card_block(actor=alice, card=a, reason="waiting_stock", at=at(11, 13))
    card_unblock(actor=alice, card=a, at=at(11, 14))
    for name, day in [("agree", 17), ("invoice", 18), ("fulfil", 19), ("close", 20)]:
        move(a, name, at(11, day))

    f = cards["F"] = create("acme", "phone", at(11, 10))
    move(f, "qualify", at(11, 11))
    card_update(actor=alice, card=f, changes={"responsible": None}, at=at(11, 19))
    card_block(actor=alice, card=f, reason="waiting_customer", at=at(11, 20))

    b = cards["B"] = create("acme", "phone", at(11, 16))
    move(b, "qualify", at(11, 16, 21))
    move(b, "mark_lost", at(11, 18), lost_reason="Went with a competitor")

    c = cards["C"] = create("beta", "email", at(11, 16))
    move(c, "mark_lost", at(11, 17), lost_reason="Customer cancelled")

    cards["E"] = create("beta", "email", at(11, 18), responsible=None)
    return {name: card.pk for name, card in cards.items()}


@pytest.fixture
def figures(history, o2c):
    return weekly_flow_metrics(process=o2c, week=WEEK, now=NOW)


def test_week_bounds_follow_the_process_time_zone(o2c):
    assert iso_week_bounds(o2c, WEEK) == (at(11, 15, 23), at(11, 22, 23))
    # Summer time: Berlin is UTC+2 until the last Sunday of October.
    assert iso_week_bounds(o2c, "2026-W40") == (
        datetime(2026, 9, 27, 22, tzinfo=UTC),
        datetime(2026, 10, 4, 22, tzinfo=UTC),
    )
    # The week of the change is an hour longer.
    start, end = iso_week_bounds(o2c, "2026-W43")
    assert (end - start).total_seconds() == 169 * 3600


@pytest.mark.parametrize("week", ["2026-W99", "2026-W00", "2025-W53", "abc", "", "2026-47"])
def test_a_week_that_is_not_an_iso_week_is_refused(o2c, week):
    with pytest.raises(InvalidInput) as exc:
        iso_week_bounds(o2c, week)
    assert "week" in exc.value.errors


def test_a_week_not_yet_started_is_refused(o2c):
    with pytest.raises(InvalidInput, match="Check"):
        weekly_flow_metrics(process=o2c, week="2026-W49", now=NOW)


def test_intake_counts_cards_created_in_the_week_by_channel(figures):
    assert figures["intake"] == {"total": 3, "by_channel": {"email": 2, "phone": 1}}


def test_throughput_counts_cards_finished_in_the_week_closed_and_lost(figures):
    assert figures["throughput"] == {
        "total": 3,
        "closed": 1,
        "lost": 2,
        "by_status": {"closed": 1, "lost": 2},
    }


def test_wip_counts_started_unfinished_cards_at_the_end_of_the_week(figures):
    # E was never started; A, B and C finished.
    assert figures["wip"] == {"total": 2, "by_status": {"qualified": 1, "agreed": 1}}


def test_work_item_age_runs_from_the_start_over_the_whole_workflow(figures, history):
    # D: Nov 3 09:00 -> Nov 22 23:00 = 19.5833 days; F: Nov 11 09:00 -> 11.5833 days.
    assert figures["work_item_age"] == {
        "count": 2,
        "p50": 15.5833,
        "p85": 18.3833,
        "p95": 19.1833,
    }
    assert figures["aging_wip"] == {
        "qualified": {"count": 1, "cards": [{"card": history["F"], "age_days": 11.5833}]},
        "agreed": {"count": 1, "cards": [{"card": history["D"], "age_days": 19.5833}]},
    }


def test_cycle_and_lead_time_percentiles_interpolate_linearly(figures, history):
    # numpy.percentile([0, 1.5, 10], [50, 85, 95]) == [1.5, 7.45, 9.15]
    assert figures["cycle_time"]["week"] == {"count": 3, "p50": 1.5, "p85": 7.45, "p95": 9.15}
    # numpy.percentile([1, 2, 11], ...) == [2, 8.3, 10.1]
    assert figures["lead_time"]["week"] == {"count": 3, "p50": 2.0, "p85": 8.3, "p95": 10.1}
    # With G (cycle 4, lead 5) in the trailing 12 weeks: [0, 1.5, 4, 10] and [1, 2, 5, 11].
    assert figures["cycle_time"]["trailing_12_weeks"] == {
        "count": 4,
        "p50": 2.75,
        "p85": 7.3,
        "p95": 9.1,
    }
    assert figures["lead_time"]["trailing_12_weeks"] == {
        "count": 4,
        "p50": 3.5,
        "p85": 8.3,
        "p95": 10.1,
    }
    points = figures["cycle_time"]["points"]
    assert [(p["card"], p["days"], p["status"]) for p in points] == sorted(
        [(history["A"], 10.0, "closed"), (history["B"], 1.5, "lost"), (history["C"], 0.0, "lost")]
    )
    assert {p["finished_at"] for p in points} == {
        at(11, 20).isoformat(),
        at(11, 18).isoformat(),
        at(11, 17).isoformat(),
    }


def test_time_in_status_sums_the_visits_of_cards_finished_in_the_week(figures):
    assert figures["time_in_status"] == {
        "received": {"cards": 3, "total_days": 2.5, "mean_days": 0.8333},
        "qualified": {"cards": 2, "total_days": 3.5, "mean_days": 1.75},
        "priced": {"cards": 1, "total_days": 5.0, "mean_days": 5.0},
        "agreed": {"cards": 1, "total_days": 1.0, "mean_days": 1.0},
        "awaiting_payment": {"cards": 1, "total_days": 1.0, "mean_days": 1.0},
        "fulfilled": {"cards": 1, "total_days": 1.0, "mean_days": 1.0},
    }


def test_flow_efficiency_takes_blocked_time_out_of_cycle_time(figures):
    # A was blocked one day of its ten; B and C never: (11.5 - 1) / 11.5.
    assert figures["flow_efficiency"] == {
        "share": 0.913,
        "cycle_days": 11.5,
        "blocked_days": 1.0,
        "cards": 3,
    }


def test_blocked_counts_time_inside_the_week_and_ranks_reasons(figures):
    # D: from the week's start to Nov 18 09:00 (2.4167 d); F: Nov 20 09:00 to the end, still
    # blocked (2.5833 d). A's block was the week before.
    assert figures["blocked"] == {
        "cards": 2,
        "days": 5.0,
        "reasons": [
            {"reason": "waiting_customer", "cards": 1, "days": 2.5833},
            {"reason": "waiting_stock", "cards": 1, "days": 2.4167},
        ],
    }


def test_sla_breaches_count_where_deadlines_pass_and_visits_ended_late_apart(figures):
    # Visits ended in the week: B and C left received after their 4 business hours; B left
    # qualified a day late; A and D left priced late; A left agreed after 8 business hours;
    # awaiting payment waits on the customer (clock paused) and A left fulfilled within its
    # day. Deadlines that passed in the week: B, C and E (still open) in received, B in
    # qualified, A in priced (its block pushed it to Mon Nov 16), A and D (still open) in
    # agreed. D's priced deadline passed on Nov 5, before its block: not this week.
    assert figures["sla"] == {
        "breaches": 7,
        "visits_ended": 8,
        "ended_late": 6,
        "on_time_share": 0.25,
        "by_status": {
            "received": {"visits": 2, "ended_late": 2, "breaches": 3},
            "qualified": {"visits": 1, "ended_late": 1, "breaches": 1},
            "priced": {"visits": 2, "ended_late": 2, "breaches": 1},
            "agreed": {"visits": 1, "ended_late": 1, "breaches": 2},
            "awaiting_payment": {"visits": 1, "ended_late": 0, "breaches": 0},
            "fulfilled": {"visits": 1, "ended_late": 0, "breaches": 0},
        },
    }


def test_ownership_counts_open_cards_without_a_responsible_person(figures):
    # Open at the end: D, E (never had one) and F (removed on Nov 19).
    assert figures["ownership"] == {"open": 3, "unassigned": 2, "unassigned_share": 0.6667}


def test_conversion_is_the_share_of_the_trailing_cohort_that_reached_each_status(figures):
    assert figures["conversion"] == {
        "window_weeks": 12,
        "cohort": 7,
        "by_status": {
            "received": {"cards": 7, "share": 1.0},
            "qualified": {"cards": 5, "share": 0.7143},
            "priced": {"cards": 2, "share": 0.2857},
            "agreed": {"cards": 2, "share": 0.2857},
            "awaiting_payment": {"cards": 1, "share": 0.1429},
            "fulfilled": {"cards": 1, "share": 0.1429},
            "closed": {"cards": 1, "share": 0.1429},
            "lost": {"cards": 3, "share": 0.4286},
        },
    }


def test_win_rate_by_channel_among_cards_finished_in_the_week(figures):
    assert figures["win_rate"] == {
        "closed": 1,
        "lost": 2,
        "rate": 0.3333,
        "by_channel": {
            "email": {"closed": 1, "lost": 1, "rate": 0.5},
            "phone": {"closed": 0, "lost": 1, "rate": 0.0},
        },
    }


def test_the_margin_floor_is_the_threshold_of_the_margin_exception_rule(history, o2c):
    ExceptionRule.objects.filter(process=o2c, field="margin_percent").update(threshold="40")
    margin = weekly_flow_metrics(process=o2c, week=WEEK, now=NOW)["margin"]
    # A's 36.84% is under a 40% floor too.
    assert (margin["floor_percent"], margin["under_floor"]) == (40.0, 2)


def test_margin_and_discount_of_cards_agreed_in_the_week_by_channel(figures):
    # A: net 190, cost 120 -> 36.84%; D: net 90, cost 95 -> -5.56%, under the 12% floor.
    assert figures["margin"] == {
        "floor_percent": 12.0,
        "agreed": 2,
        "with_margin": 2,
        "under_floor": 1,
        "average_margin_percent": 15.64,
        "average_discount_percent": 7.5,
        "by_channel": {
            "email": {
                "agreed": 1,
                "with_margin": 1,
                "average_margin_percent": 36.84,
                "under_floor": 0,
                "average_discount_percent": 5.0,
            },
            "website": {
                "agreed": 1,
                "with_margin": 1,
                "average_margin_percent": -5.56,
                "under_floor": 1,
                "average_discount_percent": 10.0,
            },
        },
    }


def test_repeat_requests_are_clients_with_two_cards_in_thirty_days(figures):
    # G (acme, Oct 1) is older than 30 days before the week's end.
    top = [(c["name"], c["cards"]) for c in figures["repeat_requests"]["top"]]
    assert top == [("acme", 3), ("beta", 2)]
    assert figures["repeat_requests"]["clients"] == 2
    assert figures["repeat_requests"]["cards"] == 5


def test_cumulative_flow_counts_cards_that_reached_each_status_by_each_day(figures):
    assert figures["cumulative_flow"] == {
        "days": [f"2026-11-{d}" for d in range(16, 23)],
        "by_status": {
            "received": [6, 6, 7, 7, 7, 7, 7],
            "qualified": [5, 5, 5, 5, 5, 5, 5],
            "priced": [2, 2, 2, 2, 2, 2, 2],
            "agreed": [0, 1, 1, 2, 2, 2, 2],
            "awaiting_payment": [0, 0, 1, 1, 1, 1, 1],
            "fulfilled": [0, 0, 0, 1, 1, 1, 1],
            "closed": [0, 0, 0, 0, 1, 1, 1],
            "lost": [1, 2, 3, 3, 3, 3, 3],
        },
    }


def test_the_week_in_progress_counts_up_to_now(history, o2c):
    figures = weekly_flow_metrics(process=o2c, week="2026-W48", now=NOW)
    assert figures["complete"] is False
    assert figures["as_of"] == NOW.isoformat()
    # F is still blocked: from the week's start (Nov 22 23:00) to now, Wed 12:00.
    assert figures["blocked"]["reasons"] == [
        {"reason": "waiting_customer", "cards": 1, "days": 2.5417}
    ]
    assert figures["intake"]["total"] == 0
    assert figures["wip"]["total"] == 2
    # Days after now have no value yet.
    assert figures["cumulative_flow"]["by_status"]["closed"] == [1, 1, 1, None, None, None, None]


@pytest.mark.parametrize(
    ("metric", "key", "expected"),
    [
        ("intake", None, ["B", "C", "E"]),
        ("intake", "email", ["C", "E"]),
        ("throughput", "lost", ["B", "C"]),
        ("wip", None, ["D", "F"]),
        ("unassigned", None, ["E", "F"]),
        ("blocked", "waiting_stock", ["D"]),
        ("sla_breaches", "priced", ["A"]),
        ("sla_breaches", "agreed", ["A", "D"]),
        ("sla_ended_late", "priced", ["A", "D"]),
        ("conversion", "priced", ["A", "D"]),
        ("won", "email", ["A"]),
        ("under_floor", None, ["D"]),
        ("cumulative_flow", "agreed", ["A", "D"]),
    ],
)
def test_cards_behind_a_figure_are_the_ones_it_counts(history, o2c, metric, key, expected):
    ids = cards_behind(process=o2c, week=WEEK, metric=metric, key=key, now=NOW)
    assert ids == sorted(history[name] for name in expected)


def test_cards_behind_an_unknown_metric_is_refused(o2c):
    with pytest.raises(InvalidInput):
        cards_behind(process=o2c, week=WEEK, metric="nonsense", now=NOW)
