"""Load on the API under gunicorn with threads, on PostgreSQL (issue 15, point 13).

    .venv/bin/python bench/load.py [--cards 100000] [--clients 50] [--rounds 2]

It recreates its own database (PostgreSQL `opmodel_load_bench` by default; its name must
contain "bench"), migrates it, generates N open order-to-cash cards (as bench/deadline_scan.py
does), makes one shared card and `rounds` cards per client ready to walk the whole process,
gives each client its own API token and starts gunicorn (threaded workers, production settings)
on it. Then, in one run:
1. the same card: all clients ask for each move of the process at once; one of them must win
   each move, every other must get 409 (lost the race) or 400 (the card is no longer there);
2. each client's own cards: every client walks its cards from `received` to `closed`, asking
   GET /api/me/ (a trivial authenticated endpoint) after each move, so both are measured under
   the same load.
Since issue 24 order to cash ships prepaid goods only paid and closes only paid: after the
invoice, the walk records the payment (POST /api/cards/{id}/payments/, finance's service; on
the shared card the clients race for it too: one 201, the others 400 or 409). The walking user
is in the Warehouse and Finance groups, whose stages the card passes.
It prints requests per second, the median and 95th percentile latency of a transition next to
/api/me/'s and their ratio, the answers by status code, and writes bench/results/load.json.
"""

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import deadline_scan  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "load.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_load_bench"
# Each step: its name, the URL under the card, and the answer of success. The payment is
# finance's (issue 24): prepaid goods ship only paid, and a card closes only paid.
PATH = [
    *[(name, f"transitions/{name}/", 200) for name in ["qualify", "price", "agree", "invoice"]],
    ("pay", "payments/", 201),
    *[(name, f"transitions/{name}/", 200) for name in ["fulfil", "close"]],
]
AMOUNT = "480.00"  # the ready card's total: 4 x 120.00


def _ready_card(*, actor, process, client, title: str) -> int:
    from processes.services import card_create, card_item_add, card_update

    card = card_create(actor=actor, process=process, title=title, client=client)
    card_item_add(
        actor=actor,
        card=card,
        product="Drill",
        quantity=Decimal("4"),
        unit_price=Decimal("120.00"),
        unit_cost=Decimal("70.00"),
    )
    card_update(
        actor=actor,
        card=card,
        changes={"shipment_date": date(2030, 1, 15), "promised_on": date(2030, 1, 15)},
    )
    return card.pk


def data_create(*, n: int, clients: int, rounds: int) -> dict:
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    from processes.models import Client, Process

    people = deadline_scan.people_create()
    print(f"Generating {n:,} open cards...", flush=True)
    deadline_scan.cards_generate_postgres(n=n, now=datetime.now(UTC), people=people)
    deadline_scan.database_analyze()
    from django.contrib.auth.models import Group

    from processes.calendars import process_zone

    ops = get_user_model().objects.get(username="bench_ops")
    # The stage roles of order to cash: the warehouse ships, finance collects.
    ops.groups.add(*Group.objects.filter(name__in=["Warehouse", "Finance"]))
    process = Process.objects.get(pk=people["process_id"])
    today = datetime.now(process_zone(process)).date()
    client = Client.objects.get(pk=people["client_ids"][0])
    shared = _ready_card(actor=ops, process=process, client=client, title="The shared card")
    own = [
        [
            _ready_card(actor=ops, process=process, client=client, title=f"Client {c} card {r}")
            for r in range(rounds)
        ]
        for c in range(clients)
    ]
    tokens = [AuthToken.objects.create(user=ops)[1] for _ in range(clients)]
    payment = {"amount": AMOUNT, "paid_on": today.isoformat(), "reference": "Load bench"}
    return {"shared": shared, "own": own, "tokens": tokens, "payment": payment}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(url: str, *, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "load-bench-only-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "memory://"),
    }
    log = open(common.ROOT / "var" / "load-gunicorn.log", "w")  # noqa: SIM115 (closed with it)
    server = subprocess.Popen(
        [
            str(common.ROOT / ".venv" / "bin" / "gunicorn"),
            "opmodel.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=common.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/api/me/", timeout=10)
            break
        except requests.RequestException:
            time.sleep(0.1)
    return server, base


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.codes: dict[str, Counter] = {}

    def call(self, session, label: str, method: str, url: str, body=None) -> int:
        start = time.perf_counter()
        try:
            code = session.request(method, url, json=body, timeout=120).status_code
        except requests.RequestException:
            code = 0  # no answer at all
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latencies.setdefault(label, []).append(elapsed)
            self.codes.setdefault(label, Counter())[code] += 1
        return code


def _session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    return session


def shared_card_race(base: str, data: dict, recorder: Recorder) -> list[dict]:
    """Every client asks for each move of the shared card at once."""
    sessions = [_session(t) for t in data["tokens"]]
    rounds = []
    for name, suffix, success in PATH:
        start = threading.Barrier(len(sessions))
        codes = Counter()
        lock = threading.Lock()
        url = f"{base}/api/cards/{data['shared']}/{suffix}"
        body = data["payment"] if name == "pay" else None

        def move(session, url=url, body=body, start=start, codes=codes, lock=lock):
            start.wait()
            code = recorder.call(session, "shared transition", "POST", url, body)
            with lock:
                codes[code] += 1

        threads = [threading.Thread(target=move, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rounds.append(
            {"transition": name, "success": success, "codes": dict(sorted(codes.items()))}
        )
    return rounds


def own_cards_walk(base: str, data: dict, recorder: Recorder) -> float:
    """Each client walks its own cards through the whole process; returns the seconds taken."""
    start = threading.Barrier(len(data["tokens"]))

    def walk(token, cards):
        session = _session(token)
        start.wait()
        for card in cards:
            for name, suffix, _ in PATH:
                paying = name == "pay"
                label, body = ("payment", data["payment"]) if paying else ("transition", None)
                recorder.call(session, label, "POST", f"{base}/api/cards/{card}/{suffix}", body)
                recorder.call(session, "/api/me/", "GET", f"{base}/api/me/")

    threads = [
        threading.Thread(target=walk, args=(t, c))
        for t, c in zip(data["tokens"], data["own"], strict=True)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="own cards per client")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker")
    args = parser.parse_args()

    common.database_ready(args.database_url, deadline_scan.django_start)
    data = data_create(n=args.cards, clients=args.clients, rounds=args.rounds)
    from django.db import connections

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": common.machine(),
        "code": common.code_version(),
        "cards": args.cards,
        "clients": args.clients,
        "gunicorn": {"worker_class": "gthread", "workers": args.workers, "threads": args.threads},
    }
    connections.close_all()

    server, base = gunicorn_start(args.database_url, workers=args.workers, threads=args.threads)
    try:
        recorder = Recorder()
        print(f"{args.clients} clients move one card at once, move by move...", flush=True)
        race = shared_card_race(base, data, recorder)
        print(f"{args.clients} clients walk {args.rounds} cards each...", flush=True)
        seconds = own_cards_walk(base, data, recorder)
    finally:
        server.terminate()
        server.wait(timeout=30)

    moves, me = recorder.latencies["transition"], recorder.latencies["/api/me/"]
    requests_made = len(moves) + len(recorder.latencies.get("payment", [])) + len(me)
    figures = {
        "requests_per_second": round(requests_made / seconds, 1),
        "transition_median_ms": _ms(moves, 0.5),
        "transition_p95_ms": _ms(moves, 0.95),
        "me_median_ms": _ms(me, 0.5),
        "me_p95_ms": _ms(me, 0.95),
    }
    figures["median_ratio"] = round(statistics.median(moves) / statistics.median(me), 2)
    codes = {label: dict(sorted(c.items())) for label, c in recorder.codes.items()}
    shared_ok = all(
        r["codes"].get(r["success"]) == 1 and set(r["codes"]) <= {r["success"], 400, 409}
        for r in race
    )
    own_ok = (
        set(codes["transition"]) == {200}
        and set(codes["payment"]) == {201}
        and set(codes["/api/me/"]) == {200}
    )
    report.update(
        {
            "own_cards": {"seconds": round(seconds, 2), "requests": requests_made, **figures},
            "shared_card": race,
            "answers_by_code": codes,
            "expectation_met": shared_ok and own_ok,
        }
    )
    common.report_write(report, args.output)

    print(common.report_heading(report, "Load", f"{args.cards:,} cards, {args.clients} clients"))
    print(f"  requests per second (own cards)   {figures['requests_per_second']}")
    print(
        f"  transition median / p95 (ms)     {figures['transition_median_ms']} / "
        f"{figures['transition_p95_ms']}"
    )
    print(f"  /api/me/ median / p95 (ms)       {figures['me_median_ms']} / {figures['me_p95_ms']}")
    print(f"  transition / me, medians         {figures['median_ratio']}x")
    for r in race:
        print(f"  shared card, {r['transition']:<8} {r['codes']}")
    print(f"  answers by code                  {codes}")
    print(f"  expectation met                  {report['expectation_met']}")
    print(f"Wrote {args.output}")
    if not report["expectation_met"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
