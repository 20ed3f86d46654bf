"""Benchmark of the pages people triage on at scale (issue 14): the board, my queue and the risks
page next to the first page of `/api/cards/`, in the same run, on the same data.

    .venv/bin/python bench/board_pages.py [--cards 100000] [--runs 7] [--database-url URL]

It recreates its own database (PostgreSQL `opmodel_bench_pages` by default; the name must
contain "bench"), migrates it and bulk-inserts order-to-cash cards: about 60% finished (closed
or lost, their last move spread over 90 days), the rest open across the open statuses with
running SLA clocks (some at risk, some breached, some blocked), 50 responsible people and 2,000
clients. The executor `ops` then asks each page `--runs` times through Django's test client
(the full stack: middleware, session, templates), unfiltered and with filters; the table shows
the median time, queries and HTML size, and each page's ratio to the API page with the same
filters.
It writes bench/results/board_pages.json.
"""

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "board_pages.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_pages"
OPEN = ["received", "qualified", "priced", "agreed", "awaiting_payment", "fulfilled"]
CHANNELS = ["email", "phone", "website", "sales_rep", "marketplace", "partner"]
PRIORITIES = ["normal", "normal", "normal", "low", "high", "urgent"]
BATCH = 5000


def django_start(url: str) -> None:
    settings = common.django_setup(url)
    settings.ALLOWED_HOSTS = ["testserver"]


def cards_insert(count: int, ids: dict, now: datetime) -> None:
    from processes.models import RequestCard

    rng = random.Random(14)
    made = 0
    while made < count:
        batch = []
        for _ in range(min(BATCH, count - made)):
            made += 1
            finished = rng.random() < 0.6
            created = now - timedelta(days=rng.uniform(0, 120))
            finished_as = "closed" if rng.random() < 0.75 else "lost"
            status = finished_as if finished else rng.choice(OPEN)
            # The status is set at construction: django-fsm protects it from assignment.
            card = RequestCard(
                status=status,
                process_id=ids["process_id"],
                title=f"Order {made} of {rng.choice(['drills', 'saws', 'nails', 'bolts'])}",
                client_id=rng.choice(ids["client_ids"]),
                channel=rng.choice(CHANNELS),
                priority=rng.choice(PRIORITIES),
                responsible_id=rng.choice(ids["rep_ids"] + [None] * 10),
                created_at=created,
                updated_at=created,
            )
            if finished:
                card.status_changed_at = now - timedelta(days=rng.uniform(0, 90))
            else:
                card.status_changed_at = now - timedelta(hours=rng.uniform(0, 48))
                roll = rng.random()
                card.sla_visit = 1
                card.sla_allowance = 8 * 3600
                card.sla_resumed_at = card.status_changed_at
                # 5% breached, 10% at risk, the rest on track
                due = now + timedelta(
                    hours=rng.uniform(-20, -0.1)
                    if roll < 0.05
                    else (rng.uniform(0.1, 2) if roll < 0.15 else rng.uniform(2.5, 48))
                )
                card.due_at = due
                card.at_risk_at = due - timedelta(hours=2)
                if rng.random() < 0.05:
                    card.is_blocked = True
                    card.block_reason_id = rng.choice(ids["reason_ids"])
                    card.blocked_at = now - timedelta(hours=rng.uniform(1, 72))
            batch.append(card)
        RequestCard.objects.bulk_create(batch)
        print(f"  {made:,} cards", flush=True)


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # The queries are counted in a run of their own: capturing them (Django's debug cursor
    # keeps each statement's text) would add to the timed runs, more for longer statements.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)  # also warms the caches of templates and the database
    times, size, queries, status = [], 0, len(captured), None
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        size, status = len(response.content), response.status_code
    return {
        "url": url,
        "status": status,
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "queries": queries,
        "html_kb": round(size / 1024, 1),
    }


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    common.database_ready(args.database_url, django_start)

    from django.contrib.auth import get_user_model
    from django.test import Client

    now = datetime.now(UTC)
    ids = common.people_create(
        holders=[("ops", "executor")], reps=50, rep_role="executor", clients=2000
    )
    print(f"Inserting {args.cards:,} cards...", flush=True)
    started = time.perf_counter()
    cards_insert(args.cards, ids, now)
    insert_seconds = time.perf_counter() - started
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum would leave a live database after a bulk insert: statistics, and the
        # visibility map that lets a count be answered from an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    client = Client()
    client.force_login(get_user_model().objects.get(username="ops"))
    filters = "q=order&sla=at_risk&blocked=false&priority=normal"
    pages = {
        "api_cards": "/api/cards/",
        "board": "/",
        "queue": "/queue/",
        "risks": "/risks/",
        "board_filtered": f"/?{filters}",
        "queue_filtered": f"/queue/?{filters}",
        "risks_filtered": f"/risks/?{filters}",
        "api_cards_filtered": f"/api/cards/?{filters}",
    }
    results = {name: measure(client, url, args.runs) for name, url in pages.items()}
    # Each page against the API's first page with the same filters (the same cards to find).
    for name, row in results.items():
        api = results["api_cards_filtered" if name.endswith("_filtered") else "api_cards"]
        row["ratio_to_api"] = (
            round(row["median_ms"] / api["median_ms"], 2) if api["median_ms"] else None
        )

    report = {
        "benchmark": "board_pages",
        "date": now.isoformat(timespec="seconds"),
        "machine": common.machine(),
        "code": common.code_version(),
        "cards": args.cards,
        "runs": args.runs,
        "insert_seconds": round(insert_seconds, 1),
        "goal": "board, queue and risks each at most 3x the API's first page (same filters)",
        "pages": results,
    }
    common.report_write(report, args.output)
    print(common.report_heading(report, "Board pages", f"{args.cards:,} cards, {args.runs} runs"))
    print(f"{'page':<20}{'median ms':>10}{'queries':>9}{'HTML KB':>9}{'x API':>7}")
    for name, row in results.items():
        print(
            f"{name:<20}{row['median_ms']:>10}{row['queries']:>9}{row['html_kb']:>9}"
            f"{row['ratio_to_api']:>7}"
        )
    print(f"\nWrote {args.output}")


if __name__ == "__main__":
    main()
