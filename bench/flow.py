"""Benchmark of the flow app (issue 25, docs/design.md, "Performance aims"): a 10,000-trial
forecast (goal: at most 200 ms) and the process map over N move events (goal: at most 3 s at
1,000,000).

    .venv/bin/python bench/flow.py [--events 1000000] [--database-url URL] [--reuse]
        [--generate-only] [--compare]

The forecast is timed on its own (the simulation, no database): "how many in the next 20
working days" and "when will 200 cards be done" from a 22-working-day sample, median of 7 runs.

For the map it recreates its own PostgreSQL database (`opmodel_bench_flow` by default), migrates
it and generates, set-based with generate_series, order-to-cash cards of 7 moves each (created,
then the path received -> ... -> closed; a tenth of the cards go back from priced to qualified,
a rework loop, and end in fulfilled with 8 moves), spread over 12 weeks. `--reuse` keeps the
cards already there when their number is the one asked for (else it generates);
`--generate-only` stops once the data is there.

Then it builds the map's ledger of visits from nothing (flow/selectors/map_ledger.py: the
one-off cost of the first map, or of a calendar change), VACUUM ANALYZEs it as autovacuum would
after such an insert, and times `flow.selectors.process_map.process_map` over those 12 weeks:
with nothing new (median of 3), and after each of 3 rounds of new events (`--new-events`, new
cards like the others dated in the window), the catch-up of those included. Each time: wall
time, this process's CPU time and the PostgreSQL backend's CPU time (read from /proc when the
server runs on this machine; parallel workers, if the planner starts any, are not in it). With
`--compare` it also times the Python fold over the same moves (the SQLite path) and checks that
both give the same map. The database is dropped and recreated: its name must contain "bench".
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "flow.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_flow"
FORECAST_GOAL_MS = 200
MAP_GOAL_S = 3.0
MOVES_PER_CARD = 7.1  # 7, and 8 for the tenth of cards that loop
FIRST_DAY, LAST_DAY = date(2026, 8, 31), date(2026, 11, 23)  # 12 weeks, Monday to Monday

CARDS_SQL = """
INSERT INTO processes_requestcard (
    process_id, title, channel, priority, status, version, items_count, items_price_total,
    items_cost_total, items_quantity_total, is_blocked, block_note, created_at, updated_at,
    status_changed_at, sla_visit, sla_consumed, sla_at_risk_percent, sla_risk_alerted_visit,
    sla_breach_alerted_visit, target_consumed, target_at_risk_percent, target_risk_alerted,
    target_breach_alerted, lost_reason, payment_terms, discount_percent
)
SELECT %(process)s, %(title)s || i, 'email', 'normal', 'closed', 1, 0, 0, 0, 0, false, '',
    %(start)s::timestamptz + (i * %(spread)s) * interval '1 second', now(), now(),
    0, 0, 75, 0, 0, 0, 75, false, false, '', 'prepaid', 0
FROM generate_series(1, %(cards)s) AS i
"""
# Move k of a card: created (k = 0) into received, then along the path to closed (7 moves); a
# card with id % 10 = 0 goes priced -> qualified -> priced (a rework loop) and ends in fulfilled
# (8 moves), its status set to match.
EVENTS_SQL = """
INSERT INTO processes_event (card_id, kind, at, from_status, to_status, transition, comment,
    reason, data)
SELECT c.id,
    CASE WHEN k = 0 THEN 'created' ELSE 'transition' END,
    c.created_at + (k * 5 * 3600 + (c.id %% 7) * 600) * interval '1 second',
    CASE WHEN k = 0 THEN '' ELSE p.path[k] END,
    p.path[k + 1], '', '', '', '{}'::jsonb
FROM processes_requestcard c
CROSS JOIN generate_series(0, 7) AS k
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.id %% 10 = 0
        THEN ARRAY['received','qualified','priced','qualified','priced','agreed',
                   'awaiting_payment','fulfilled','fulfilled']
        ELSE ARRAY['received','qualified','priced','agreed','awaiting_payment','fulfilled',
                   'closed','closed','closed'] END AS path
) p
WHERE c.process_id = %(process)s AND c.id > %(after)s
    AND k <= CASE WHEN c.id %% 10 = 0 THEN 7 ELSE 6 END
"""
LOOPS_SQL = """
UPDATE processes_requestcard SET status = 'fulfilled'
WHERE process_id = %(process)s AND id > %(after)s AND id %% 10 = 0
"""


def _start(url: str) -> None:
    common.django_setup(url)


def forecast_times() -> dict:
    from flow import forecasting

    sample = [0, 3, 5, 1, 0, 4, 2, 7, 3, 0, 1, 6, 2, 2, 0, 5, 3, 1, 4, 0, 2, 3]
    runs = {"how_many_20_days": [], "when_200_cards": []}
    for seed in range(7):
        t = time.perf_counter()
        forecasting.how_many(sample, days=20, seed=seed)
        runs["how_many_20_days"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        forecasting.when(sample, cards=200, seed=seed)
        runs["when_200_cards"].append((time.perf_counter() - t) * 1000)
    return {name: round(statistics.median(v), 1) for name, v in runs.items()}


def _backend_cpu(pid: int) -> float | None:
    """utime + stime of a local PostgreSQL backend, in seconds (None if it is not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(run, backend_pid: int) -> tuple[float, float, float | None, object]:
    server = _backend_cpu(backend_pid)
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = _backend_cpu(backend_pid)
    return wall, cpu, (after - server if server is not None and after is not None else None), result


def cards_generate(process, cards: int, *, title: str = "Bench ") -> None:
    """`cards` cards and their moves, spread over the 12 weeks (set-based)."""
    from django.db import connection

    spread = (LAST_DAY - FIRST_DAY).days * 86400 // cards
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM processes_requestcard")
        (after,) = cursor.fetchone()
        params = {
            "process": process.pk,
            "cards": cards,
            "start": FIRST_DAY.isoformat(),
            "spread": max(spread, 1),
            "title": title,
            "after": after,
        }
        cursor.execute(CARDS_SQL, params)
        cursor.execute(EVENTS_SQL, params)
        cursor.execute(LOOPS_SQL, params)


def data_ready(url: str, events: int, reuse: bool) -> None:
    """The bench data at about N events: generated (database recreated), or found with
    --reuse."""
    from_scratch = True
    if reuse:
        try:
            _start(url)
            from django.core.management import call_command

            from processes.models import RequestCard

            call_command("migrate", verbosity=0)  # the code's tables and indexes, if new
            if RequestCard.objects.filter(title__startswith="Bench ").exclude(
                title__startswith="Bench new "
            ).count() == int(events / MOVES_PER_CARD):
                print("Reusing the cards already in the bench database.", flush=True)
                from_scratch = False
            else:
                print("--reuse: the database holds another number of cards; generating.")
        except Exception as exc:  # noqa: BLE001 (no such database yet: generate it)
            print(f"--reuse: {type(exc).__name__}; generating.")
        if from_scratch:
            from django.db import connections

            connections.close_all()
            common.database_recreate(url)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
    else:
        common.database_ready(url, _start)
    if from_scratch:
        from django.db import connection

        from processes.models import Process

        process = Process.objects.get(slug="order-to-cash")
        print(f"Generating about {events:,} events...", flush=True)
        wall = time.perf_counter()
        cards_generate(process, int(events / MOVES_PER_CARD))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE processes_event; ANALYZE processes_requestcard")
        print(f"  generated in {time.perf_counter() - wall:.1f} s", flush=True)


def _summary(runs: list) -> dict:
    server = [r[2] for r in runs]
    return {
        "seconds": round(statistics.median(r[0] for r in runs), 2),
        "cpu_seconds_client": round(statistics.median(r[1] for r in runs), 2),
        "cpu_seconds_server": (round(statistics.median(server), 2) if None not in server else None),
        "runs_seconds": [round(r[0], 2) for r in runs],
    }


def map_time(events: int, *, new_events: int, compare: bool) -> dict:
    from django.db import connection

    from flow.models import MapLedger
    from flow.selectors import map_ledger, map_python
    from flow.selectors import process_map as module
    from flow.selectors.process_map import process_map
    from processes.calendars import working_time_for
    from processes.models import Event, Process

    process = Process.objects.get(slug="order-to-cash")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend_pid,) = cursor.fetchone()
        cursor.execute("TRUNCATE flow_visit")
    MapLedger.objects.filter(process=process).delete()
    total = Event.objects.count()
    print(f"Building the ledger of visits from {total:,} events...", flush=True)
    build = _timed(lambda: map_ledger.catch_up(process, working_time_for(process)), backend_pid)
    with connection.cursor() as cursor:
        vacuum = time.perf_counter()
        cursor.execute("VACUUM ANALYZE flow_visit")
        vacuum = time.perf_counter() - vacuum
        cursor.execute("SELECT pg_total_relation_size('flow_visit'), count(*) FROM flow_visit")
        size, visits = cursor.fetchone()

    def the_map():
        return process_map(process, first=FIRST_DAY, last_excluded=LAST_DAY)

    print(f"Timing the map over {total:,} events...", flush=True)
    runs = [_timed(the_map, backend_pid) for _ in range(3)]
    result = runs[-1][3]
    new_cards = max(int(new_events / MOVES_PER_CARD), 1)
    print(f"... and after each of 3 rounds of {new_cards} new cards...", flush=True)
    after_new = []
    for _ in range(3):
        cards_generate(process, new_cards, title="Bench new ")
        after_new.append(_timed(the_map, backend_pid))
    found = {
        "events": total,
        "ledger_build": {
            "seconds": round(build[0], 2),
            "cpu_seconds_server": round(build[2], 2) if build[2] is not None else None,
            "vacuum_analyze_seconds": round(vacuum, 2),
            "visits": visits,
            "table_and_indexes_mb": round(size / 1e6, 1),
        },
        **{f"map_{k}": v for k, v in _summary(runs).items()},
        "map_after_new_events": {
            "new_events_each_round": Event.objects.filter(
                card__title__startswith="Bench new "
            ).count()
            // 3,
            **_summary(after_new),
        },
        "finished": result["conformance"]["finished"],
        "conforming": result["conformance"]["conforming"],
        "rework_cards": result["rework"]["cards"],
        "visits": {n["status"]: n["visits"] for n in result["nodes"] if n["visits"]},
    }
    if compare:
        print("Timing the Python fold (the SQLite path) over the same moves...", flush=True)
        result = the_map()
        original = module._backend
        module._backend = lambda: map_python
        try:
            wall, cpu, server, folded = _timed(the_map, backend_pid)
        finally:
            module._backend = original
        found["python_fold"] = {
            "seconds": round(wall, 2),
            "cpu_seconds_client": round(cpu, 2),
            "cpu_seconds_server": round(server, 2) if server is not None else None,
            "same_map": folded == result,
        }
    return found


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--new-events",
        type=int,
        default=1000,
        help="events added before each timed catch-up (default 1000)",
    )
    parser.add_argument("--compare", action="store_true", help="Also time the Python fold.")
    parser.add_argument("--reuse", action="store_true", help="keep the cards already generated")
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate the data (or find it with --reuse) and stop",
    )
    args = parser.parse_args()
    data_ready(args.database_url, args.events, args.reuse)
    if args.generate_only:
        return
    report = {"machine": common.machine(), **common.code_version(), "date": time.strftime("%F")}
    report["load_average"] = os.getloadavg()
    report["forecast_ms"] = forecast_times()
    report["map"] = map_time(args.events, new_events=args.new_events, compare=args.compare)
    report["load_average_after"] = os.getloadavg()
    report["goals"] = {"forecast_ms": FORECAST_GOAL_MS, "map_seconds_at_1m": MAP_GOAL_S}
    common.report_write(report, args.output)
    print(f"forecast (10,000 trials), median ms: {report['forecast_ms']}")
    found = report["map"]
    print(f"ledger of visits built from nothing: {found['ledger_build']}")
    print(
        f"map over {found['events']:,} events: {found['map_seconds']} s wall, "
        f"CPU {found['map_cpu_seconds_client']} s here + {found['map_cpu_seconds_server']} s in "
        f"PostgreSQL (goal {MAP_GOAL_S} s at 1,000,000)"
    )
    print(f"map after new events (their catch-up included): {found['map_after_new_events']}")
    print(f"load average before, after: {report['load_average']}, {report['load_average_after']}")
    if "python_fold" in found:
        print(f"the Python fold over the same moves: {found['python_fold']}")


if __name__ == "__main__":
    main()
