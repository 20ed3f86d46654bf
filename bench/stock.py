"""Benchmark of reservations under contention (issue 23): `--clients` threads, each with its own
database connection, reserve one unit for their own card at once, over and over, against a
product with little stock, through the reservation service (rows locked in id order).

    .venv/bin/python bench/stock.py [--clients 50] [--rounds 5] [--database-url URL]

It recreates its own PostgreSQL database (`opmodel_bench_stock` by default; the name must contain
"bench"), prints reservations per second and the p50/p95 latency of one reservation (goal: p95
under 100 ms), checks that nothing was oversold and that stock_check agrees, and writes
bench/results/stock.json.
"""

import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "stock.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_stock"


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--units", type=int, default=10)
    args = parser.parse_args()
    common.database_ready(args.database_url, common.django_setup)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from processes.models import Process
    from processes.services import card_create
    from roles.models import ProcessRole
    from stock.models import Product, Stock, StockLine, Warehouse
    from stock.selectors import stock_mismatches
    from stock.services.lines import stock_item_add
    from stock.services.movements import stock_move
    from stock.services.reservations import card_lines_release, card_lines_reserve

    User = get_user_model()
    ops = User.objects.create(username="ops")
    keeper = User.objects.create(username="keeper", is_staff=True)
    process = Process.objects.get(slug="order-to-cash")
    ProcessRole.objects.create(process_id=process.pk, kind="executor", user=ops)
    Warehouse.objects.create(code="MAIN", name="Main")
    Product.objects.create(sku="BENCH-1", name="Scarce")
    now = timezone.now()
    stock_move(
        actor=keeper,
        sku="BENCH-1",
        warehouse="MAIN",
        quantity=Decimal(args.units),
        kind="receipt",
        now=now,
    )
    cards = []
    for n in range(args.clients):
        card = card_create(actor=ops, process=process, title=f"Bench {n}")
        stock_item_add(
            actor=ops,
            card=card,
            sku="BENCH-1",
            quantity=Decimal(1),
            unit_price=Decimal(1),
            unit_cost=Decimal(1),
            at=now,
        )
        cards.append(card)
    connection.close()

    latencies, errors, lock = [], [], threading.Lock()

    def client(card, barrier):
        from django.db import connection as own

        try:
            barrier.wait()
            started = time.perf_counter()
            card_lines_reserve(actor=ops, card=card, now=timezone.now())
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
        except Exception as exc:  # counted and reported: the goal is none
            with lock:
                errors.append(repr(exc))
        finally:
            own.close()

    wall = 0.0
    for _ in range(args.rounds):
        barrier = threading.Barrier(args.clients)
        threads = [threading.Thread(target=client, args=(c, barrier)) for c in cards]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall += time.perf_counter() - started
        stock = Stock.objects.get()
        assert stock.reserved == args.units and stock.reserved <= stock.on_hand, stock
        for card in cards:
            card_lines_release(actor=ops, card=card, now=timezone.now(), why="bench round")
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    report = {
        "machine": common.machine(),
        "code": common.code_version(),
        "clients": args.clients,
        "rounds": args.rounds,
        "units": args.units,
        "reservations": len(latencies),
        "errors": errors,
        "reservations_per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "goal_p95_ms": 100,
        "oversold": StockLine.objects.filter(reserved__gt=1).exists(),
        "stock_check_mismatches": stock_mismatches(),
    }
    common.report_write(report, args.output)
    print(
        f"{report['reservations']} reservations by {args.clients} clients: "
        f"{report['reservations_per_second']}/s, p50 {report['p50_ms']} ms, "
        f"p95 {report['p95_ms']} ms (goal < 100 ms), errors {len(errors)}, "
        f"mismatches {len(report['stock_check_mismatches'])}"
    )


if __name__ == "__main__":
    main()
