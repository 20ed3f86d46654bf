"""Benchmark of reservations under contention (issue 23): `--clients` threads, each with its own
database connection, reserve one unit for their own card at once, over and over, against a
product with little stock, through the reservation service (rows locked in id order).

    .venv/bin/python bench/stock.py [--clients 50] [--rounds 5] [--database-url URL]

It recreates its own PostgreSQL database (`opmodel_bench_stock` by default; the name must contain
"bench"), prints reservations per second and the p50/p95 latency of one reservation (goal: p95
under 100 ms), checks that nothing was oversold and that stock_check agrees, and writes
bench/results/stock.json. It also measures, first, each reservation alone (one after another:
wall and CPU time, SQL statements sent (BEGIN and COMMIT not counted), how long the stock row
is held) and, under load, how long each holder keeps the stock row (lock to commit): the
figures that say where the time goes.
`--processes` runs each client in a forked process instead of a thread of this one (threads
share one GIL, so Python work queues on one core).
"""

import os
import statistics
import sys
import threading
import time
from decimal import Decimal
from functools import partial
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
    parser.add_argument(
        "--processes",
        action="store_true",
        help="a forked process per client instead of a thread (no shared GIL)",
    )
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="the bench database with synchronous_commit off: how much of the hold is the "
        "commit's WAL flush (an experiment; the app keeps PostgreSQL's default, on)",
    )
    args = parser.parse_args()
    load_at_start = os.getloadavg()
    common.database_ready(args.database_url, common.django_setup)
    from django.db import connection

    if args.async_commit:
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER DATABASE {connection.settings_dict['NAME']} SET synchronous_commit = off"
            )
        connection.close()

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

    holds = _lock_hold_recorder()

    # Alone: one reservation after another, no contention: what one costs (wall and CPU of
    # this process), its queries, and how long it holds the stock row.
    solo = {"full": [], "short": []}
    queries = {}
    for index, card in enumerate(cards):
        kind = "full" if index < args.units else "short"
        holds.clear()
        statements = []
        with connection.execute_wrapper(partial(_counted, statements)):
            started, cpu = time.perf_counter(), time.thread_time()
            card_lines_reserve(actor=ops, card=card, now=timezone.now())
            solo[kind].append(
                (time.perf_counter() - started, time.thread_time() - cpu, holds.taken()[0])
            )
        queries[kind] = len(statements)  # the last card's: the purchase card is open by then
    for card in cards:
        card_lines_release(actor=ops, card=card, now=timezone.now(), why="bench solo")
    connection.close()

    latencies, errors, lock = [], [], threading.Lock()
    holds.clear()

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
        if args.processes:
            took, failed = _round_in_processes(cards, ops, holds)
            latencies += took
            errors += failed
            wall += max(took, default=0.0)
        else:
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
    contended_holds = holds.taken()
    ordered = sorted(latencies)
    solo_full = _summary([wall for wall, _, _ in solo["full"]])
    solo_short = _summary([wall for wall, _, _ in solo["short"]])
    burst_alone_ms = sum(wall for kind in solo.values() for wall, _, _ in kind) * 1000
    report = {
        "machine": common.machine(),
        "code": common.code_version(),
        "date": timezone.now().isoformat(timespec="seconds"),
        "load_average_at_start": load_at_start,
        "clients": args.clients,
        "rounds": args.rounds,
        "units": args.units,
        "mode": "processes" if args.processes else "threads",
        "synchronous_commit": "off" if args.async_commit else "on",
        "reservations": len(latencies),
        "errors": errors,
        "reservations_per_second": round(len(latencies) / wall, 1) if wall else None,
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(_p95(ordered) * 1000, 1),
        "goal_p95_ms": 100,
        "alone": {
            "full_ms": solo_full,
            "short_ms": solo_short,
            "full_cpu_ms": _summary([cpu for _, cpu, _ in solo["full"]]),
            "short_cpu_ms": _summary([cpu for _, cpu, _ in solo["short"]]),
            "queries": queries,
            "stock_lock_held_ms": _summary([hold for kind in solo.values() for *_, hold in kind]),
            "one_burst_one_after_another_ms": round(burst_alone_ms, 1),
        },
        "contended_stock_lock_held_ms": _summary(contended_holds),
        "oversold": StockLine.objects.filter(reserved__gt=1).exists(),
        "stock_check_mismatches": stock_mismatches(),
    }
    common.report_write(report, args.output)
    print(
        f"{report['reservations']} reservations by {args.clients} clients "
        f"({report['mode']}): {report['reservations_per_second']}/s, p50 {report['p50_ms']} ms, "
        f"p95 {report['p95_ms']} ms (goal < 100 ms), errors {len(errors)}, "
        f"mismatches {len(report['stock_check_mismatches'])}\n"
        f"alone: full {solo_full['p50']} ms ({queries.get('full')} queries), short "
        f"{solo_short['p50']} ms ({queries.get('short')} queries), stock row held "
        f"{report['alone']['stock_lock_held_ms']['p50']} ms; the {args.clients} of one burst "
        f"one after another: {report['alone']['one_burst_one_after_another_ms']} ms\n"
        f"contended: stock row held p50 {report['contended_stock_lock_held_ms']['p50']} ms, "
        f"p95 {report['contended_stock_lock_held_ms']['p95']} ms"
    )


def _counted(statements: list, run, sql, *rest):
    statements.append(sql)
    return run(sql, *rest)


def _p95(ordered: list[float]) -> float:
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else 0.0


def _summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "p50": round(statistics.median(ordered) * 1000, 2),
        "p95": round(_p95(ordered) * 1000, 2),
        "sum": round(sum(ordered) * 1000, 1),
    }


class _LockHolds:
    """How long each reservation held its stock rows: from the locking statement's answer to
    the commit of the transaction (its on_commit hook), per thread."""

    def __init__(self):
        self.local = threading.local()
        self.held: list[float] = []
        self.guard = threading.Lock()

    def clear(self) -> None:
        with self.guard:
            self.held.clear()

    def taken(self) -> list[float]:
        with self.guard:
            return list(self.held)

    def locked(self) -> None:
        from django.db import transaction

        at = time.perf_counter()

        def done():
            with self.guard:
                self.held.append(time.perf_counter() - at)

        transaction.on_commit(done)


def _lock_hold_recorder() -> _LockHolds:
    from stock.services import reservations

    holds = _LockHolds()
    # The reservation's locking statement: `_card_stocks_lock`, or `stocks_lock` in commits
    # before it (to measure them with this script).
    name = "_card_stocks_lock" if hasattr(reservations, "_card_stocks_lock") else "stocks_lock"
    original = getattr(reservations, name)

    def locking(*args, **kwargs):
        rows = original(*args, **kwargs)
        holds.locked()
        return rows

    setattr(reservations, name, locking)
    return holds


def _round_in_processes(cards, ops, holds) -> tuple[list[float], list[str]]:
    """One round with a forked process per client (each its own interpreter and connection):
    the clients no longer share one GIL, only the machine's cores."""
    import multiprocessing

    from django.db import connection
    from django.utils import timezone

    from stock.services.reservations import card_lines_reserve

    connection.close()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(cards))
    answers = context.Queue()

    def client(card):
        holds.clear()  # a forked copy: only this client's own hold goes back
        try:
            barrier.wait()
            started = time.perf_counter()
            card_lines_reserve(actor=ops, card=card, now=timezone.now())
            answers.put(("ok", time.perf_counter() - started, holds.taken()))
        except Exception as exc:  # counted and reported: the goal is none
            answers.put(("error", repr(exc), []))
        finally:
            connection.close()

    workers = [context.Process(target=client, args=(card,)) for card in cards]
    for worker in workers:
        worker.start()
    results = [answers.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join()
    with holds.guard:
        holds.held += [hold for _, _, held in results for hold in held]
    return [v for k, v, _ in results if k == "ok"], [v for k, v, _ in results if k == "error"]


if __name__ == "__main__":
    main()
