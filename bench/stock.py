"""Benchmark of reservations under contention (issue 23): `--clients` clients, each a process
with its own database connection (as web workers are), reserve one unit for their own card at
once, over and over, against a product with little stock, through `card_lines_reserve`.

    .venv/bin/python bench/stock.py [--clients 50] [--rounds 5] [--runs 3] [--threads]
                                    [--database-url URL]

It recreates its own PostgreSQL database (`opmodel_bench_stock` by default; the name must contain
"bench"), checks that nothing was oversold and that stock_check agrees, and writes
bench/results/stock.json.

What it times (the latency, p50/p95, goal: p95 under 100 ms): one client's call of
`card_lines_reserve` for its card, from the barrier's release to its return, i.e. what a
request to reserve waits for: the statement that takes the stock and writes the card's event
(services/taking.py, committed at once), and for a short line whose product's catch-up is not
queued yet the catch-up message sent to the broker (one a round: the bench's catch-up after
each round clears the mark, as the worker does when it starts; the configured
CELERY_BROKER_URL; without one, the app's filesystem broker in a folder of the bench's own).
Each client's database connection is open before the barrier, as a web worker's is with
DATABASE_CONN_MAX_AGE (bench/load.py runs gunicorn with 60 s); opening it is reported apart;
its broker connection is warmed by one empty catch-up message (a process's first message cost
47-70 ms of CPU). The client processes live across the rounds, as web workers do; the first
round after their fork is reported apart (copy-on-write page faults: ~7 ms of CPU a client).
Not timed: Django's request handling around it.

The worker's part, also reported: after each round the catch-up the message asks for
(`shortages_catch_up` of the product, as `stock.tasks.shortages_catch_up_task` runs it: the
purchase card, the links still missing, the need's recount) is run once, timed, and the round
is checked: exactly `--units` cards hold one unit, the others are short, all linked to ONE open
purchase card whose need is their shortage. The messages are then purged (no worker reads them:
a worker on the bench database would run the same catch-up, competing with the clients).

Where the time goes, also reported:
- alone (the 50 reservations one after another, no contention; each short one sends its
  message, its product's mark cleared before it): wall and CPU time of each, the
  SQL statements it sends (BEGIN and COMMIT not counted), and the take statement's own time
  (sent to answered, its commit included): the most the stock row can be held, as the lock is
  taken inside that statement and released by its commit;
- under contention: the take statement's latency (queueing on the stock row included) and the
  gaps between consecutive takes' answers in a round: with every client queued on the one row,
  a gap is one holder's hold plus the hand-over to the next.
`--threads` runs the clients as threads of this process instead (they share one GIL: Python
work queues on one core, which no web server deployment does).
"""

import itertools
import logging
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
        "--runs",
        type=int,
        default=3,
        help="measure this many times on the same database (the machine's other load varies); "
        "the report holds the best run by p95, each run's figures and their median",
    )
    parser.add_argument(
        "--threads",
        action="store_true",
        help="threads of this process as clients, instead of a forked process each (the "
        "default, as web workers are processes)",
    )
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="the bench database with synchronous_commit off: how much of the hold is the "
        "commit's WAL flush (an experiment; the app keeps PostgreSQL's default, on)",
    )
    args = parser.parse_args()
    broker_dir = None
    if not os.environ.get("CELERY_BROKER_URL"):
        import tempfile

        broker_dir = tempfile.mkdtemp(prefix="opmodel_bench_stock_broker_")
        os.environ["CELERY_BROKER_DIR"] = broker_dir
    common.database_ready(args.database_url, common.django_setup)
    # kombu warns at every message to a broker URL without a host (filesystem://).
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
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

    from processes.models import CardLink, Process
    from processes.services import card_create
    from roles.models import ProcessRole
    from stock.models import Product, PurchaseNeed, Stock, StockLine, Warehouse
    from stock.selectors import stock_mismatches
    from stock.services.lines import stock_item_add
    from stock.services.movements import stock_move
    from stock.services.purchasing import shortages_catch_up
    from stock.services.reservations import card_lines_release, card_lines_reserve

    User = get_user_model()
    ops = User.objects.create(username="ops")
    keeper = User.objects.create(username="keeper", is_staff=True)
    process = Process.objects.get(slug="order-to-cash")
    ProcessRole.objects.create(process_id=process.pk, kind="executor", user=ops)
    Warehouse.objects.create(code="MAIN", name="Main")
    product = Product.objects.create(sku="BENCH-1", name="Scarce")
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

    takes = _take_recorder()
    runs = []
    for run in range(1, args.runs + 1):
        print(f"Run {run} of {args.runs}", flush=True)
        load_at_start = os.getloadavg()

        # Alone: one reservation after another, no contention: what one costs (wall and CPU of
        # this process), its statements, and the take statement's own time.
        solo = {"full": [], "short": []}
        queries = {}
        server_cpu = {"full": [], "short": []}
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        for index, card in enumerate(cards):
            kind = "full" if index < args.units else "short"
            if kind == "short":
                # As if the worker had started: each short reservation alone sends its message.
                Stock.objects.update(catch_up_queued=False)
            takes.clear()
            statements = []
            with connection.execute_wrapper(partial(_counted, statements)):
                theirs = _schedstat(backend)
                started, cpu = time.perf_counter(), time.thread_time()
                card_lines_reserve(actor=ops, card=card, now=timezone.now())
                took, cpu = time.perf_counter() - started, time.thread_time() - cpu
                after = _schedstat(backend)
            if theirs and after:
                server_cpu[kind].append(after[0] - theirs[0])
            begun, ended = takes.taken()[0]
            solo[kind].append((took, cpu, ended - begun))
            queries[kind] = len(statements)
        started, cpu = time.perf_counter(), time.thread_time()
        shortages_catch_up(now=timezone.now(), product_ids=[product.pk])
        solo_catch_up = (time.perf_counter() - started, time.thread_time() - cpu)
        for card in cards:
            card_lines_release(actor=ops, card=card, now=timezone.now(), why="bench solo")
        connection.close()

        latencies, errors, lock = [], [], threading.Lock()
        take_times, gaps, spent, catch_ups = [], [], [], []

        def client(card, barrier, latencies=latencies, errors=errors, lock=lock):
            from django.db import connection as own

            try:
                own.ensure_connection()
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

        def settle_round(catch_ups=catch_ups):
            """After a round: the checks, the worker's catch-up, everything released."""
            stock = Stock.objects.get()
            assert stock.reserved == args.units and stock.reserved <= stock.on_hand, stock
            # The worker's part: the catch-up the short clients' messages ask for, run once.
            started = time.perf_counter()
            shortages_catch_up(now=timezone.now(), product_ids=[product.pk])
            catch_ups.append(time.perf_counter() - started)
            _round_check(args, cards, StockLine, PurchaseNeed, CardLink)
            for card in cards:
                card_lines_release(actor=ops, card=card, now=timezone.now(), why="bench round")

        pool, cold = None, None
        if not args.threads:
            # Long-lived client processes, as web workers are: the first round after the fork
            # (every page the client touches is copied from the parent then) is reported apart.
            pool = _ClientProcesses(cards, ops, takes)
            took, failed, _, _ = pool.round()
            errors += failed
            cold = _summary(took)
            settle_round()
        wall = 0.0
        for _ in range(args.rounds):
            takes.clear()
            if args.threads:
                barrier = threading.Barrier(args.clients)
                threads = [threading.Thread(target=client, args=(c, barrier)) for c in cards]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                wall += time.perf_counter() - started
                round_takes = takes.taken()
            else:
                took, failed, round_takes, opened = pool.round()
                latencies += took
                spent += opened
                errors += failed
                wall += max(took, default=0.0)
            take_times += [ended - begun for begun, ended in round_takes]
            answered = sorted(ended for _, ended in round_takes)
            gaps += [later - earlier for earlier, later in itertools.pairwise(answered)]
            settle_round()
        if pool is not None:
            pool.close()
        ordered = sorted(latencies)
        solo_full = _summary([wall for wall, _, _ in solo["full"]])
        solo_short = _summary([wall for wall, _, _ in solo["short"]])
        burst_alone_ms = sum(wall for kind in solo.values() for wall, _, _ in kind) * 1000
        report = {
            "machine": common.machine(),
            "code": common.code_version(),
            "date": timezone.now().isoformat(timespec="seconds"),
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
            "clients": args.clients,
            "rounds": args.rounds,
            "units": args.units,
            "mode": "threads" if args.threads else "processes",
            "synchronous_commit": "off" if args.async_commit else "on",
            "timed": "card_lines_reserve per client, its connection already open: the take "
            "statement with the card's event, and for a short line whose product's catch-up is "
            "not queued yet the catch-up message to the broker (alone: every short one sends)",
            "broker": "filesystem (a folder of the bench's own)"
            if broker_dir
            else os.environ["CELERY_BROKER_URL"].split("@")[-1],
            "connection_open_ms": _summary([c["opened"] for c in spent]),
            "first_round_after_the_fork_ms": cold,
            # What each client's reservation cost under contention, from the barrier to its
            # return: CPU run by the client and by its server backend, and time each waited
            # ready to run for a CPU (the machine's queue; waiting for the row lock is sleep).
            "contended_per_reservation_ms": {
                key: _summary([c[key] for c in spent if key in c])
                for key in (
                    "client_cpu",
                    "client_waiting_for_a_cpu",
                    "server_cpu",
                    "server_waiting_for_a_cpu",
                )
            },
            "worker_catch_up_per_round_ms": _summary(catch_ups),
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
                "full_server_cpu_ms": _summary(server_cpu["full"]),
                "short_server_cpu_ms": _summary(server_cpu["short"]),
                "short_cpu_ms": _summary([cpu for _, cpu, _ in solo["short"]]),
                "queries": queries,
                "take_statement_ms": _summary(
                    [hold for kind in solo.values() for *_, hold in kind]
                ),
                "one_burst_one_after_another_ms": round(burst_alone_ms, 1),
                "worker_catch_up_of_the_shortages": {
                    "ms": round(solo_catch_up[0] * 1000, 1),
                    "cpu_ms": round(solo_catch_up[1] * 1000, 1),
                },
            },
            "contended_take_statement_ms": _summary(take_times),
            "contended_gap_between_takes_ms": _summary(gaps),
            "oversold": StockLine.objects.filter(reserved__gt=1).exists(),
            "stock_check_mismatches": stock_mismatches(),
        }
        alone = report["alone"]
        print(
            f"{report['reservations']} reservations by {args.clients} clients "
            f"({report['mode']}), load {load_at_start[0]:.1f}: "
            f"{report['reservations_per_second']}/s, p50 {report['p50_ms']} ms, "
            f"p95 {report['p95_ms']} ms (goal < 100 ms), errors {len(errors)}, "
            f"mismatches {len(report['stock_check_mismatches'])}\n"
            f"alone: full {solo_full['p50']} ms, CPU {alone['full_cpu_ms']['p50']} ms "
            f"+ server {alone['full_server_cpu_ms'].get('p50')} ms "
            f"({queries.get('full')} statements); short {solo_short['p50']} ms, CPU "
            f"{alone['short_cpu_ms']['p50']} ms + server {alone['short_server_cpu_ms'].get('p50')} "
            f"ms ({queries.get('short')} statements); take "
            f"statement {alone['take_statement_ms']['p50']} ms; the {args.clients} of one burst "
            f"one after another: {alone['one_burst_one_after_another_ms']} ms\n"
            f"contended: take statement p50 {report['contended_take_statement_ms']['p50']} ms, p95 "
            f"{report['contended_take_statement_ms']['p95']} ms; gap between takes p50 "
            f"{report['contended_gap_between_takes_ms']['p50']} ms, p95 "
            f"{report['contended_gap_between_takes_ms']['p95']} ms\n"
            "worker: the catch-up of a burst's shortages "
            f"{report['worker_catch_up_per_round_ms']} ms "
            f"(first, alone: {alone['worker_catch_up_of_the_shortages']}); connection opening "
            f"(not timed) p50 {report['connection_open_ms'].get('p50')} ms\n"
            "contended, per reservation p50 (ms): "
            + ", ".join(
                f"{key} {value.get('p50')}"
                for key, value in report["contended_per_reservation_ms"].items()
            )
        )
        runs.append(report)
    report = _runs_summary(runs)
    common.report_write(report, args.output)
    _broker_purge(broker_dir)
    print(
        f"best of {len(runs)} runs: p95 {report['p95_ms']} ms "
        f"(load {report['load_average_at_start'][0]:.1f}); "
        f"median p95 {report['runs_p95_median_ms']} ms"
    )


def _runs_summary(runs: list[dict]) -> dict:
    """The run with the lowest p95 (the least disturbed by the machine's other load), with every
    run's headline figures beside it and their median."""
    best = min(runs, key=lambda r: r["p95_ms"])
    return {
        **best,
        "runs_p95_median_ms": statistics.median(r["p95_ms"] for r in runs),
        "runs": [
            {
                key: r[key]
                for key in (
                    "date",
                    "load_average_at_start",
                    "load_average_at_end",
                    "reservations_per_second",
                    "p50_ms",
                    "p95_ms",
                    "errors",
                )
            }
            | {
                "cpu_ms_alone": {
                    k: {
                        "client": r["alone"][f"{k}_cpu_ms"]["p50"],
                        "server": r["alone"][f"{k}_server_cpu_ms"].get("p50"),
                    }
                    for k in ("full", "short")
                },
                "contended_per_reservation_p50_ms": {
                    key: value.get("p50")
                    for key, value in r["contended_per_reservation_ms"].items()
                },
            }
            for r in runs
        ],
    }


def _round_check(args, cards, StockLine, PurchaseNeed, CardLink) -> None:
    """Issue 23's acceptance, each round: `units` cards hold one unit, the rest are short, all
    of them on ONE open purchase card (linked once each) whose need is their shortage."""
    lines = list(StockLine.objects.filter(card__in=cards))
    held = [line for line in lines if line.reserved == 1 and line.short == 0]
    short = [line for line in lines if line.reserved == 0 and line.short == 1]
    assert len(held) == args.units and len(short) == len(cards) - args.units, (held, short)
    need = PurchaseNeed.objects.get(is_open=True)
    assert need.quantity == len(short), need.quantity
    linked = set(
        CardLink.objects.filter(target_id=need.card_id, kind="purchase").values_list(
            "source_id", flat=True
        )
    )
    assert {line.card_id for line in short} <= linked, "a short card not linked"


def _broker_purge(broker_dir) -> None:
    """The catch-up messages the clients sent: the bench ran the catch-up itself."""
    if broker_dir:
        import shutil

        shutil.rmtree(broker_dir, ignore_errors=True)
        return
    from opmodel.celery import app

    app.control.purge()


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


class _Takes:
    """When each take statement (services/taking.py's `card_take`) was sent and answered
    (time.perf_counter: the monotonic clock, the same in every process of the machine)."""

    def __init__(self):
        self.seen: list[tuple[float, float]] = []
        self.guard = threading.Lock()

    def clear(self) -> None:
        with self.guard:
            self.seen.clear()

    def taken(self) -> list[tuple[float, float]]:
        with self.guard:
            return list(self.seen)

    def add(self, begun: float, ended: float) -> None:
        with self.guard:
            self.seen.append((begun, ended))


def _take_recorder() -> _Takes:
    from stock.services import reservations

    takes = _Takes()
    original = reservations.card_take

    def timed(*args, **kwargs):
        begun = time.perf_counter()
        answer = original(*args, **kwargs)
        takes.add(begun, time.perf_counter())
        return answer

    reservations.card_take = timed
    return takes


class _ClientProcesses:
    """One forked process per client (each its own interpreter and connection, as web
    workers), kept for every round: the clients share only the machine's cores. Each round the
    clients and this process meet at a barrier, then each client reserves for its card once."""

    def __init__(self, cards, ops, takes):
        import multiprocessing

        from django.db import connection

        connection.close()
        context = multiprocessing.get_context("fork")
        self.count = len(cards)
        self.barrier = context.Barrier(self.count + 1)
        self.answers = context.Queue()
        self.stop = context.Event()
        self.workers = [
            context.Process(target=self._client, args=(card, ops, takes)) for card in cards
        ]
        for worker in self.workers:
            worker.start()

    def _client(self, card, ops, takes):
        from django.db import connection
        from django.utils import timezone

        from stock.services.reservations import card_lines_reserve

        opening = time.perf_counter()
        connection.ensure_connection()  # a web worker's, open before the request
        opened = time.perf_counter() - opening
        # A web worker's broker connection is warm too: one message that asks for nothing (an
        # empty catch-up; purged at the end). A process's first message cost 47-70 ms of CPU.
        from stock.tasks import shortages_catch_up_task

        shortages_catch_up_task.apply_async(([], None), retry=False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        try:
            while True:
                takes.clear()  # a forked copy: only this client's own take goes back
                ours, theirs = _schedstat("self"), _schedstat(backend)
                self.barrier.wait(timeout=300)
                if self.stop.is_set():
                    return
                try:
                    started = time.perf_counter()
                    card_lines_reserve(actor=ops, card=card, now=timezone.now())
                    took = time.perf_counter() - started
                except Exception as exc:  # counted and reported: the goal is none
                    self.answers.put(("error", repr(exc), [], None))
                    continue
                spent = {"opened": opened}
                for who, before, after in (
                    ("client", ours, _schedstat("self")),
                    ("server", theirs, _schedstat(backend)),
                ):
                    if before and after:
                        spent[f"{who}_cpu"] = after[0] - before[0]
                        spent[f"{who}_waiting_for_a_cpu"] = after[1] - before[1]
                self.answers.put(("ok", took, takes.taken(), spent))
        finally:
            connection.close()

    def round(self) -> tuple[list[float], list[str], list, list[dict]]:
        self.barrier.wait(timeout=300)
        results = [self.answers.get(timeout=300) for _ in range(self.count)]
        return (
            [v for k, v, _, _ in results if k == "ok"],
            [v for k, v, _, _ in results if k == "error"],
            [seen for _, _, taken, _ in results for seen in taken],
            [spent for k, _, _, spent in results if k == "ok"],
        )

    def close(self) -> None:
        self.stop.set()
        self.barrier.wait(timeout=300)
        for worker in self.workers:
            worker.join()


def _schedstat(pid) -> tuple[float, float] | None:
    """Seconds a process (this one: "self"; a server backend on this machine: its pid) has run
    on a CPU, and has waited ready to run for one (Linux's /proc/<pid>/schedstat)."""
    try:
        ran, waited, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(ran) / 1e9, int(waited) / 1e9


if __name__ == "__main__":
    main()
