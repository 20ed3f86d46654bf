"""The map counted in PostgreSQL (flow/selectors/map_sql.py, from the ledger of visits that
flow/selectors/map_ledger.py keeps) equals the Python fold over the same moves
(flow/selectors/map_python.py, the SQLite path) on a random history: ties at the same instant,
rework loops, undesigned and skipping moves, visits across nights, weekends and the DST change
(25 October 2026 in Berlin), cards begun before the window and still moving after it; and so do
the cards behind every figure. The ledger stays equal to the fold as events arrive (new cards,
an event written out of order, an event committed late under an id below the ledger's mark)
and when the calendar changes."""

import io
import random
from datetime import date, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from flow.models import MapLedger, Visit
from flow.selectors import map_ledger, map_python, process_map
from flow.selectors.process_map import cards_behind
from flow.tasks import map_ledger_catch_up
from processes.calendars import working_time_for
from processes.models import BusinessCalendar, Event, EventKind, Holiday
from tests.flow.test_process_map import at, card_with

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares PostgreSQL's counting (CI runs it)"
)

PATHS = ["received", "qualified", "priced", "agreed", "awaiting_payment", "fulfilled", "closed"]
FIRST, LAST = date(2026, 10, 19), date(2026, 11, 9)


def random_history(process, actor, rng):
    # Begun long before the window (more than the calendar first passed with the statement).
    card_with(
        process,
        actor,
        "lost",
        [
            (at(6, 9, month=1) - timedelta(days=365), None, "received"),
            (at(26, 11, month=10), "received", "agreed"),
            (at(27, 15, month=10), "agreed", "lost"),
        ],
    )
    for _ in range(60):
        moment = at(12, 9, month=10) + timedelta(hours=rng.uniform(0, 24 * 40))
        moves, status = [(moment, None, "received")], "received"
        for _ in range(rng.randint(0, 7)):
            if rng.random() < 0.2:
                pass  # a tie: the same instant as the move before
            else:
                moment += timedelta(minutes=rng.choice([7, 90, 600, 1500, 4000, 9000]))
            k = PATHS.index(status)
            target = rng.choice(
                [PATHS[min(k + 1, 6)]] * 4 + [PATHS[max(k - 1, 0)], PATHS[min(k + 2, 6)], "lost"]
            )
            if target == status:
                continue
            moves.append((moment, status, target))
            status = target
            if status in ("closed", "lost"):
                break
        card_with(process, actor, status, moves)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_postgresql_counts_as_the_python_fold(o2c, alice, monkeypatch, seed):
    random_history(o2c, alice, random.Random(seed))
    window = {"first": FIRST, "last_excluded": LAST}
    in_sql = process_map.process_map(o2c, **window)
    assert in_sql["conformance"]["finished"] > 10 and in_sql["rework"]["cards"] > 0
    assert any(not e["designed"] and e["count"] for e in in_sql["edges"])
    old = next(e for e in in_sql["edges"] if (e["from"], e["to"]) == ("received", "agreed"))
    assert old["count"] == 1 and old["p50_hours"] > 3000
    opened = [{"rework": "1"}, *({"deviation": k} for k in ("undesigned", "skipped", "repeated"))]
    opened += [{"status": n["status"]} for n in in_sql["nodes"]]
    opened += [{"move": f"{e['from']}>{e['to']}"} for e in in_sql["edges"]]
    opened += [{"variant": k} for k in range(len(in_sql["variants"]))]
    cards_sql = [cards_behind(o2c, figure, **window) for figure in opened]

    monkeypatch.setattr(process_map, "_backend", lambda: map_python)
    assert process_map.process_map(o2c, **window) == in_sql
    assert [cards_behind(o2c, figure, **window) for figure in opened] == cards_sql


def folded(monkeypatch, process, window) -> dict:
    with monkeypatch.context() as patch:
        patch.setattr(process_map, "_backend", lambda: map_python)
        return process_map.process_map(process, **window)


def test_the_ledger_catches_up_as_the_python_fold(o2c, alice, monkeypatch):
    random_history(o2c, alice, random.Random(4))
    window = {"first": FIRST, "last_excluded": LAST}
    before = process_map.process_map(o2c, **window)
    assert before == folded(monkeypatch, o2c, window)
    assert (
        Visit.objects.filter(process=o2c).count()
        == Event.objects.filter(card__process=o2c, kind__in=map_ledger.MOVES).count()
    )

    # A new card, and on an old one a move written now but dated between its first two moves
    # (an older time under a newer id): that card is folded again, whole.
    new = card_with(o2c, alice, "qualified", [(at(28, 9, month=10), None, "received")])
    Event.objects.create(
        card_id=new,
        kind=EventKind.TRANSITION,
        at=at(29, 16, month=10),
        from_status="received",
        to_status="qualified",
    )
    old = (
        Visit.objects.filter(process=o2c, n=3, at__gte=at(21, 0, month=10))
        .order_by("card_id")
        .first()
    )
    first_two = list(Visit.objects.filter(card_id=old.card_id, n__lte=2).order_by("n"))
    Event.objects.create(
        card_id=old.card_id,
        kind=EventKind.TRANSITION,
        at=first_two[0].at + (first_two[1].at - first_two[0].at) / 2,
        from_status=first_two[0].to_status,
        to_status="lost",
    )
    assert map_ledger.catch_up(o2c, working_time_for(o2c)) == {
        "rebuilt": False,
        "cards": sorted([new, old.card_id]),
    }
    after = process_map.process_map(o2c, **window)
    assert after != before and after == folded(monkeypatch, o2c, window)
    assert Visit.objects.get(card_id=old.card_id, n=2).to_status == "lost"

    # An event committed after a catch-up that saw higher ids (its id below the mark).
    late = Event.objects.create(
        card_id=new,
        kind=EventKind.TRANSITION,
        at=at(30, 11, month=10),
        from_status="qualified",
        to_status="priced",
    )
    MapLedger.objects.filter(process=o2c).update(event_mark=late.pk + 50)
    assert process_map.process_map(o2c, **window) == folded(monkeypatch, o2c, window)
    assert Visit.objects.filter(event=late).exists()


def test_the_ledger_follows_the_calendar(o2c, alice, monkeypatch):
    random_history(o2c, alice, random.Random(5))
    window = {"first": FIRST, "last_excluded": LAST}
    before = process_map.process_map(o2c, **window)
    # A holiday among the days held: the cards with a visit over it are folded again.
    calendar = o2c.calendar or BusinessCalendar.objects.standard()
    Holiday.objects.create(calendar=calendar, date=date(2026, 10, 28), name="Closed")
    o2c.refresh_from_db()
    wt = working_time_for(o2c)
    assert date(2026, 10, 28) in wt.holidays
    over = set(
        Visit.objects.filter(
            prev_at__lt=at(29, 0, month=10), at__gt=at(28, 0, month=10)
        ).values_list("card_id", flat=True)
    )
    assert over and map_ledger.catch_up(o2c, wt) == {"rebuilt": False, "cards": sorted(over)}
    after = process_map.process_map(o2c, **window)
    assert after != before and after == folded(monkeypatch, o2c, window)
    assert map_ledger.catch_up(o2c, wt) == {"rebuilt": False, "cards": []}

    # A holiday after every move the ledger holds changes none of its business time.
    Holiday.objects.create(calendar=calendar, date=date(2027, 6, 9), name="Later")
    o2c.refresh_from_db()
    assert date(2027, 6, 9) in working_time_for(o2c).holidays
    assert map_ledger.catch_up(o2c, working_time_for(o2c)) == {"rebuilt": False, "cards": []}

    # Other working hours: every business time changes, the ledger is built again.
    calendar.day_end = time(17, 0)
    calendar.save()
    o2c.refresh_from_db()
    assert map_ledger.catch_up(o2c, working_time_for(o2c))["rebuilt"]
    shorter = process_map.process_map(o2c, **window)
    assert shorter != after and shorter == folded(monkeypatch, o2c, window)


def test_the_command_catches_up_every_process(o2c, alice):
    random_history(o2c, alice, random.Random(6))
    out = io.StringIO()
    call_command("map_ledger_catch_up", stdout=out)
    assert "order-to-cash: built" in out.getvalue()
    assert (
        Visit.objects.filter(process=o2c).count()
        == Event.objects.filter(card__process=o2c, kind__in=map_ledger.MOVES).count()
    )
    assert map_ledger.catch_up(o2c, working_time_for(o2c)) == {"rebuilt": False, "cards": []}


def test_the_metrics_worker_keeps_the_ledger_caught_up(o2c, alice):
    random_history(o2c, alice, random.Random(7))
    assert map_ledger_catch_up()["order-to-cash"] == -1  # built whole (purchasing's too)
    assert (
        Visit.objects.filter(process=o2c).count()
        == Event.objects.filter(card__process=o2c, kind__in=map_ledger.MOVES).count()
    )
    assert set(map_ledger_catch_up().values()) == {0}
