"""The transition beside the trivial endpoint, one request at a time (issue 25, point 6).

    .venv/bin/python bench/hot_paths.py [--cards 100000] [--walks 30] [--profile]

It recreates its own database (PostgreSQL `opmodel_bench_hot` by default; its name must
contain "bench"), generates N open order-to-cash cards as bench/load.py does, and walks `walks`
cards of the executor from `received` to `closed` through the API in this process (Django's
test client with the executor's API token, production middleware), asking GET /api/me/ (the
trivial authenticated endpoint) after each move, so the two interleave on the same data (the
payment after the invoice, issue 24, is recorded on the way and not measured). It
prints the median time and the SQL queries of each, their ratio (goal: a transition at most
2.5x /api/me/), and with --profile the functions a transition spends its time in (cProfile,
cumulative). Figures: bench/results/hot_paths.json.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import deadline_scan  # noqa: E402
import load  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "hot_paths.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_hot"
GOAL_RATIO = 2.5
JSON = "application/json"


def _pay(client, card, payment: dict) -> None:
    """Finance records the payment (issue 24: prepaid goods ship only paid, and a card closes
    only paid); not measured: the figures are about the moves."""
    answer = client.post(f"/api/cards/{card}/payments/", payment, content_type="application/json")
    if answer.status_code != 201:
        sys.exit(f"payment {card}: {answer.status_code} {answer.content[:300]}")


def _walk(client, cards, payment: dict, profiler=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = {"transition": [], "me": []}
    cpu = {"transition": [], "me": []}
    queries = {"transition": [], "me": []}
    for card in cards:
        for name, suffix, _ in load.PATH:
            if name == "pay":
                _pay(client, card, payment)
                continue
            move = f"/api/cards/{card}/{suffix}"
            for label, method, url in (
                # A move with no input, as a JSON client sends it (the API takes JSON only).
                ("transition", partial(client.post, data={}, content_type=JSON), move),
                ("me", client.get, "/api/me/"),
            ):
                with CaptureQueriesContext(connection) as captured:
                    if profiler and label == "transition":
                        profiler.enable()
                    began, began_cpu = time.perf_counter(), time.process_time()
                    answer = method(url)
                    times[label].append(time.perf_counter() - began)
                    cpu[label].append(time.process_time() - began_cpu)
                    if profiler and label == "transition":
                        profiler.disable()
                if answer.status_code != 200:
                    sys.exit(f"{label} {card} {name}: {answer.status_code} {answer.content[:300]}")
                queries[label].append(len(captured))
    return {"times": times, "cpu": cpu, "queries": queries}


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--walks", type=int, default=30, help="cards walked through the process")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the moves")
    args = parser.parse_args()

    common.database_ready(args.database_url, deadline_scan.django_start)
    data = load.data_create(n=args.cards, clients=1, rounds=args.walks + 2)
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {data['tokens'][0]}")
    cards = data["own"][0]
    # Warm: the process's definition cache, imports, connections.
    _walk(client, cards[:2], data["payment"])
    # A CPU clock: on the shared machine a wall clock charges the waits to whatever runs.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    load_before = os.getloadavg()[0]
    walked = _walk(client, cards[2:], data["payment"], profiler)
    # The machine's load (1-minute average) around the walks: wall times follow it.
    load_average = [round(load_before, 2), round(os.getloadavg()[0], 2)]

    def ms(values):
        return round(1000 * statistics.median(values), 2)

    figures = {
        label: {
            "median_ms": ms(walked["times"][label]),
            "p95_ms": round(
                1000 * sorted(walked["times"][label])[int(0.95 * len(walked["times"][label]))], 2
            ),
            # This process's CPU time (the test client, Django, DRF, the ORM): what the
            # code costs, which wall time on a shared machine blurs.
            "cpu_median_ms": ms(walked["cpu"][label]),
            "queries": sorted(set(walked["queries"][label])),
            "requests": len(walked["times"][label]),
        }
        for label in ("transition", "me")
    }
    ratio = round(figures["transition"]["median_ms"] / figures["me"]["median_ms"], 2)
    cpu_ratio = round(figures["transition"]["cpu_median_ms"] / figures["me"]["cpu_median_ms"], 2)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(),
        "code": common.code_version(),
        "cards": args.cards,
        "walks": args.walks,
        "load_average_1min": load_average,
        **figures,
        "ratio_medians": ratio,
        "ratio_cpu_medians": cpu_ratio,
        "goal_ratio": GOAL_RATIO,
        "goal_met": ratio <= GOAL_RATIO,
        "profiled": args.profile,
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    common.report_write(report, args.output)
    print(common.report_heading(report, "Hot paths", f"{args.cards:,} cards, {args.walks} walks"))
    for label in ("transition", "me"):
        f = figures[label]
        print(
            f"  {label:<11} median {f['median_ms']} ms (CPU {f['cpu_median_ms']} ms),"
            f" p95 {f['p95_ms']} ms,"
            f" queries {f['queries']}"
        )
    print(f"  load average (1 min) {load_average[0]} before the walks, {load_average[1]} after")
    print(f"  ratio of medians {ratio}x (goal at most {GOAL_RATIO}x), of CPU medians {cpu_ratio}x")
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
