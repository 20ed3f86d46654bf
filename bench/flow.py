"""Benchmark of the flow app (issue 25, docs/design.md, "Performance aims"): a 10,000-trial
forecast (goal: at most 200 ms) and the process map over N move events (goal: at most 3 s at
1,000,000).

    .venv/bin/python bench/flow.py [--events 1000000] [--database-url URL]

The forecast is timed on its own (the simulation, no database): "how many in the next 20
working days" and "when will 200 cards be done" from a 22-working-day sample, median of 7 runs.

For the map it recreates its own PostgreSQL database (`opmodel_bench_flow` by default), migrates
it and generates, set-based with generate_series, order-to-cash cards of 7 moves each (created,
then the path received -> ... -> closed; a tenth of the cards go back from priced to qualified,
a rework loop, and end in fulfilled with 8 moves), spread over 12 weeks; then times
`flow.selectors.process_map.process_map` over those 12 weeks, median of 3 runs. The database is
dropped and recreated: its name must contain "bench".
"""

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
SELECT %(process)s, 'Bench ' || i, 'email', 'normal', 'closed', 1, 0, 0, 0, 0, false, '',
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
WHERE c.process_id = %(process)s AND k <= CASE WHEN c.id %% 10 = 0 THEN 7 ELSE 6 END
"""
LOOPS_SQL = """
UPDATE processes_requestcard SET status = 'fulfilled'
WHERE process_id = %(process)s AND id %% 10 = 0
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


def map_time(events: int) -> dict:
    from django.db import connection

    from flow.selectors.process_map import process_map
    from processes.models import Event, Process

    process = Process.objects.get(slug="order-to-cash")
    cards = int(events / MOVES_PER_CARD)
    spread = (LAST_DAY - FIRST_DAY).days * 86400 // cards
    print(f"Generating {cards:,} cards and about {events:,} events...", flush=True)
    with connection.cursor() as cursor:
        params = {
            "process": process.pk,
            "cards": cards,
            "start": FIRST_DAY.isoformat(),
            "spread": max(spread, 1),
        }
        cursor.execute(CARDS_SQL, params)
        cursor.execute(EVENTS_SQL, params)
        cursor.execute(LOOPS_SQL, params)
        cursor.execute("ANALYZE processes_event; ANALYZE processes_requestcard")
    total = Event.objects.count()
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        the_map = process_map(process, first=FIRST_DAY, last_excluded=LAST_DAY)
        runs.append(time.perf_counter() - t)
    return {
        "events": total,
        "map_seconds": round(statistics.median(runs), 2),
        "finished": the_map["conformance"]["finished"],
        "rework_cards": the_map["rework"]["cards"],
    }


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    common.database_ready(args.database_url, _start)
    report = {"machine": common.machine(), **common.code_version(), "date": time.strftime("%F")}
    report["forecast_ms"] = forecast_times()
    report["map"] = map_time(args.events)
    report["goals"] = {"forecast_ms": FORECAST_GOAL_MS, "map_seconds_at_1m": MAP_GOAL_S}
    common.report_write(report, args.output)
    print(f"forecast (10,000 trials), median ms: {report['forecast_ms']}")
    print(f"map over {report['map']['events']:,} events: {report['map']['map_seconds']} s")


if __name__ == "__main__":
    main()
