"""The walk (metrics/flow/walk.py) gives every week exactly the figures of weekly_flow_metrics,
which stays the definition: on the hand-built history of test_figures_truth (ties, a same-instant
reopening, blocks, deadlines passed, clients, the DST change of October) with edits after the
fact, and on a card blocked across week 53 of 2026 into 2027. The history is read once however
many weeks are walked; a new week walked alone, or a catch-up of several weeks, equals the
weeks recomputed one by one."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.flow import weekly_flow_metrics, weekly_flow_walk
from metrics.models import WeeklyFigure, WeeklySnapshot
from metrics.services import (
    weekly_snapshot_compute,
    weekly_snapshots_catch_up,
    weekly_snapshots_walk,
)
from processes.models import Client, Event, RequestCard
from processes.services import (
    card_block,
    card_create,
    card_transition,
    card_unblock,
    card_update,
)
from tests.metrics.test_figures_truth import (  # noqa: F401 (a fixture)
    NOW,
    at,
    edit_after_the_week,
    history,
)

WEEKS = [f"2026-W{n}" for n in range(35, 49)]
NEW_YEAR_NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
NEW_YEAR_WEEKS = ["2026-W51", "2026-W52", "2026-W53", "2027-W01"]
HISTORY_SCAN = "FROM processes_event e JOIN processes_requestcard c ON c.id = e.card_id"


def _figure_rows() -> list[tuple]:
    return list(
        WeeklyFigure.objects.filter(snapshot__process__slug="order-to-cash")
        .order_by("snapshot__week", "metric", "dimension")
        .values_list("snapshot__week", "metric", "dimension", "value")
    )


@pytest.fixture
def edited(history, o2c, alice, bob):  # noqa: F811
    edit_after_the_week(history, alice, bob)
    return history


def test_the_walk_equals_each_week_computed_alone(edited, o2c):
    walked = dict(weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW))

    assert list(walked) == WEEKS
    for week in WEEKS:
        assert walked[week] == weekly_flow_metrics(process=o2c, week=week, now=NOW), week
    # Written out (test_figures_truth explains them): the week of the ties, whose cards were
    # edited after it, walked past those edits.
    w47 = walked["2026-W47"]
    assert w47["throughput"] == {"total": 2, "closed": 0, "lost": 2, "by_status": {"lost": 2}}
    assert w47["wip"] == {"total": 5, "by_status": {"qualified": 2, "agreed": 3}}
    assert w47["ownership"] == {"open": 8, "unassigned": 1, "unassigned_share": 0.125}
    assert w47["intake"] == {"total": 4, "by_channel": {"email": 1, "phone": 3}}
    assert w47["blocked"]["days"] == 3.0001
    assert w47["margin"]["average_margin_percent"] == 0.01
    assert (w47["sla"]["breaches"], w47["sla"]["visits_ended"]) == (5, 12)
    # The week of the autumn DST change is 169 hours long; R1 came in on its Saturday.
    w43 = walked["2026-W43"]
    start, end = (datetime.fromisoformat(w43[k]) for k in ("week_start", "week_end"))
    assert end - start == timedelta(hours=169)
    assert w43["intake"] == {"total": 1, "by_channel": {"email": 1}}
    assert walked["2026-W48"]["complete"] is False  # in progress at NOW


def test_the_walk_reads_the_history_once_however_many_weeks(edited, o2c):
    with CaptureQueriesContext(connection) as two:
        list(weekly_flow_walk(process=o2c, weeks=WEEKS[:2], now=NOW))
    with CaptureQueriesContext(connection) as all_weeks:
        list(weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW))

    def statements(captured) -> list[str]:  # savepoints, session settings, ANALYZE left out
        skip = ("SAVEPOINT", "RELEASE", "SET ", "ROLLBACK", "ANALYZE")
        return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(skip)]

    # Once for the events the fold and the moves read, once for the line items and discount
    # changes (each in parallel on PostgreSQL).
    for captured in (two, all_weeks):
        assert len([sql for sql in statements(captured) if HISTORY_SCAN in sql]) == 2
    # Then a constant per week: the week's context (statuses, outcome statuses, margin floor),
    # folding its events, its figures, the values at the carried samples' ranks, the repeat
    # clients' names, its labels and its handoff waits (metrics/flow/handoffs.py, a read of the
    # week's handoff events alone).
    assert len(statements(all_weeks)) - len(statements(two)) == (len(WEEKS) - 2) * 9
    # The carried state is analysed again only when the cards folded have doubled since.
    analyzed = [q for q in all_weeks.captured_queries if q["sql"] == "ANALYZE flow_walk_state"]
    limit = 1 + RequestCard.objects.count().bit_length()
    assert 0 < len(analyzed) <= limit if connection.vendor == "postgresql" else not analyzed


def test_a_walk_left_half_way_leaves_no_table_behind(edited, o2c):
    walk = weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW)
    next(walk)
    walk.close()

    assert "flow_walk_state" not in connection.introspection.table_names()
    assert dict(weekly_flow_walk(process=o2c, weeks=WEEKS[-1:], now=NOW))


@pytest.fixture
def across_new_year(o2c, alice):
    """Y: created Tue Dec 29 2026 (week 53), qualified, blocked Thu Dec 31 10:00 UTC for stock,
    unblocked Mon Jan 4 2027 10:00 UTC. Week 53 ends Mon Jan 4 00:00 CET (Jan 3
    23:00 UTC): 3 days 13 hours of the block fall in it, 11 hours in 2027-W01."""
    y = card_create(
        actor=alice,
        process=o2c,
        title="Y",
        client=Client.objects.create(name="gamma"),
        channel="phone",
        responsible=alice,
        at=datetime(2026, 12, 29, 9, tzinfo=UTC),
    )
    card_transition(actor=alice, card=y, name="qualify", at=datetime(2026, 12, 30, 9, tzinfo=UTC))
    card_block(
        actor=alice, card=y, reason="waiting_stock", at=datetime(2026, 12, 31, 10, tzinfo=UTC)
    )
    card_unblock(actor=alice, card=y, at=datetime(2027, 1, 4, 10, tzinfo=UTC))
    return y


def test_the_walk_crosses_week_53_into_the_new_year(edited, across_new_year, o2c):
    walked = dict(weekly_flow_walk(process=o2c, weeks=NEW_YEAR_WEEKS, now=NEW_YEAR_NOW))

    for week in NEW_YEAR_WEEKS:
        assert walked[week] == weekly_flow_metrics(process=o2c, week=week, now=NEW_YEAR_NOW)
    w53, w01 = walked["2026-W53"], walked["2027-W01"]
    assert w53["intake"] == {"total": 1, "by_channel": {"phone": 1}}
    # Y's 3 days 13 hours, and K's whole week: blocked again on Nov 24 and never unblocked (a
    # block the walk carries from week to week).
    assert w53["blocked"] == {
        "cards": 2,
        "days": 10.5417,
        "reasons": [{"reason": "waiting_stock", "cards": 2, "days": 10.5417}],
    }
    # In 2027-W01, up to now (Wed Jan 6 12:00 UTC): Y's 11 hours and K's 2 days 13 hours.
    assert w01["blocked"]["days"] == 3.0
    assert w53["cumulative_flow"]["days"][-1] == "2027-01-03"


def test_a_new_week_walked_alone_equals_it_recomputed(history, o2c, alice, bob):  # noqa: F811
    weekly_snapshots_walk(process_id=o2c.pk, weeks=WEEKS[:-1], now=at(11, 23, 12))
    edit_after_the_week(history, alice, bob)  # the events of the new week, 2026-W48

    ((week, walked),) = weekly_flow_walk(process=o2c, weeks=["2026-W48"], now=NOW)

    assert walked == weekly_flow_metrics(process=o2c, week="2026-W48", now=NOW)
    assert walked["blocked"]["cards"] == 1  # K, blocked again on Nov 24


def test_a_catch_up_of_several_weeks_walks_and_equals_each_week_alone(edited, o2c):
    with time_machine.travel(NOW, tick=False):
        done = weekly_snapshots_catch_up(now=NOW, weeks=4)
        walked = _figure_rows()
        ours = [f"order-to-cash 2026-W{n}" for n in range(44, 48)]
        assert [entry for entry in done if entry.startswith("order-to-cash")] == ours
        for n in range(44, 48):
            weekly_snapshot_compute(process_id=o2c.pk, week=f"2026-W{n}", now=NOW)

    assert len(walked) > 100
    assert _figure_rows() == walked


def test_the_backfill_command_walks_and_equals_each_week_alone(edited, o2c):
    with time_machine.travel(NOW, tick=False):
        call_command("metrics_backfill", "--from", "2026-W40", verbosity=0, stdout=None)
        walked = _figure_rows()
        WeeklySnapshot.objects.all().delete()
        call_command("metrics_backfill", "--from", "2026-W40", "--each-week", stdout=None)

    assert len({row[0] for row in walked}) == 9  # W40 .. W48
    assert _figure_rows() == walked


@pytest.fixture
def client_named_later(o2c, alice):
    """D1 and D2 come in for delta in 2026-W45; D1's created event is older than the client in
    the history (no client_id), and on Nov 18 (2026-W47) D1 moves to epsilon: up to then its
    client is the one that change replaced (delta), after it epsilon."""
    delta, epsilon = Client.objects.create(name="delta"), Client.objects.create(name="epsilon")
    cards = {}
    for name, day in (("D1", 2), ("D2", 3)):
        cards[name] = card_create(
            actor=alice,
            process=o2c,
            title=name,
            client=delta,
            channel="email",
            responsible=alice,
            at=at(11, day, 10),
        )
    created = Event.objects.get(card=cards["D1"], kind="created")
    older = {k: v for k, v in created.data.items() if k != "client_id"}
    with connection.cursor() as cursor:  # events are append-only: as an older event was written
        cursor.execute(
            "UPDATE processes_event SET data = %s WHERE id = %s", [json.dumps(older), created.pk]
        )
    card_update(actor=alice, card=cards["D1"], changes={"client": epsilon}, at=at(11, 18, 10))
    return delta


def test_the_walk_reads_a_client_from_the_change_after_the_week(edited, client_named_later, o2c):
    weeks = ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    walked = dict(weekly_flow_walk(process=o2c, weeks=weeks, now=NOW))

    for week in weeks:
        assert walked[week] == weekly_flow_metrics(process=o2c, week=week, now=NOW), week
    delta = {"client": client_named_later.pk, "name": "delta", "cards": 2}
    assert delta in walked["2026-W46"]["repeat_requests"]["top"]
    assert [c for c in walked["2026-W47"]["repeat_requests"]["top"] if c["name"] == "delta"] == []


def test_a_card_reopened_weeks_after_it_finished_keeps_its_last_visit_open(history, o2c, alice):  # noqa: F811
    # Lost on Thursday of 2026-W36, reopened in 2026-W39: in W36 its visit to lost has no end
    # (the walk's copy of the moves knows the reopening; the week must not).
    card = card_create(
        actor=alice,
        process=o2c,
        title="R",
        client=Client.objects.create(name="gamma"),
        channel="email",
        responsible=alice,
        at=at(9, 1),
    )
    card_transition(actor=alice, card=card, name="qualify", at=at(9, 2))
    card_transition(actor=alice, card=card, name="mark_lost", at=at(9, 3), lost_reason="No reply")
    card_transition(actor=alice, card=card, name="reopen", at=at(9, 22))

    walked = dict(weekly_flow_walk(process=o2c, weeks=WEEKS, now=NOW))

    for week in WEEKS:
        assert walked[week] == weekly_flow_metrics(process=o2c, week=week, now=NOW), week
    assert "lost" not in walked["2026-W36"]["time_in_status"]
