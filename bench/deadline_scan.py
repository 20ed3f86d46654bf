"""Benchmark of the deadline scan on many open cards (docs/design.md, "Performance aims"; issue 3).

    .venv/bin/python bench/deadline_scan.py [--cards 100000] [--database-url URL]

It recreates its own database (PostgreSQL `opmodel_bench` by default; a SQLite URL works too),
migrates it, and generates open order-to-cash cards with running SLA clocks: about 5% breached,
10% at risk, 5% blocked and 5% waiting on the customer (clock paused, no deadline), the rest on
track (and, when the card has the whole-process target clock, 2% past its deadline and 3% at
risk), plus a few hundred finished cards. An executor, an accountable, an escalation user and
responsible people hold the roles, so every alert makes notifications and e-mails (sent to
Django's locmem backend, so nothing is printed).

At N/10 and at N cards, in the same run, it measures:
- a cold scan, which raises every alert: time, alerts, SQL queries (total, per batch and
  outside the batches), and, in a second cold scan after the alerts are deleted, the peak of
  Python memory (tracemalloc; kept apart because tracing slows Python down);
- the steady scan that beat runs every minute afterwards, with nothing new to raise.
It prints a table and writes bench/results/deadline_scan.json.

The database named in the URL is dropped and recreated: its name must contain "bench".
"""

import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "deadline_scan.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench"
BATCH_SIZE = 2000  # the task's default
FINAL_CARDS = 300  # closed and lost cards: no clock, the scan must not see them
STEADY_RUNS = 3
REPS = 20  # responsible people; one of them turned e-mail off

# Open statuses whose clock runs, with their default allowance in business seconds
# (processes/migrations/0006_order_to_cash_slas.py, priority normal or low).
RUNNING = [
    ("received", 4 * 3600),
    ("qualified", 8 * 3600),
    ("priced", 16 * 3600),
    ("agreed", 8 * 3600),
    ("fulfilled", 24 * 3600),
]
WAITING = ("awaiting_payment", 40 * 3600)
TARGET_ALLOWANCE = 5 * 9 * 3600  # whole-process target, creation to fulfilled, if the model has it
CHANNELS = ["email", "phone", "website", "sales_rep", "marketplace", "partner"]
PRIORITIES = ["normal", "normal", "normal", "low"]


# ---------------------------------------------------------------------------------------------
# The database, before Django starts


def django_start(url: str) -> None:
    settings = common.django_setup(url)
    settings.EMAIL_BACKEND = "__main__.CountingLocmemBackend"
    # E-mails leave through a worker's task queued on commit (issue 10): run it in this process
    # at the commit, so the scan's e-mails are still built, sent and timed here.
    from opmodel.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    # As in production: with DEBUG on, Django keeps the text of every query (here megabytes of
    # bulk INSERTs) and that would be measured as the scan's time and memory.
    settings.DEBUG = False


class CountingLocmemBackend(LocmemBackend):
    """Django's locmem backend (messages built and validated as usual), emptied after each
    send, so that e-mails kept for tests do not count as the scan's memory."""

    sent = 0

    def send_messages(self, messages):
        count = super().send_messages(messages)
        CountingLocmemBackend.sent += count
        mail.outbox.clear()
        return count


# ---------------------------------------------------------------------------------------------
# Data


def people_create() -> dict:
    """The process's role holders, responsible people (one turned e-mail off) and clients."""
    from notifications.models import NotificationPreference
    from roles.models import RoleKind

    people = common.people_create(
        holders=[
            ("bench_ops", RoleKind.EXECUTOR),
            ("bench_manager", RoleKind.ACCOUNTABLE),
            ("bench_escalation", RoleKind.ESCALATION),
        ],
        reps=REPS,
        rep_role=None,
        clients=50,
    )
    NotificationPreference.objects.create(user_id=people["rep_ids"][-1], email_enabled=False)
    return {k: people[k] for k in ("process_id", "rep_ids", "client_ids", "reason_ids")}


def _kind(i: int) -> str:
    # A multiplicative spread, so that breached cards are scattered over the id range.
    bucket = (i * 7919) % 100
    if bucket < 5:
        return "breached"
    if bucket < 15:
        return "at_risk"
    if bucket < 20:
        return "blocked"
    if bucket < 25:
        return "waiting"
    return "on_track"


def _target_kind(i: int) -> str:
    bucket = (i * 104729) % 100
    return "breached" if bucket < 2 else "at_risk" if bucket < 5 else "on_track"


def cards_delete() -> None:
    from django.db import connection

    from metrics.models import Alert, WorkerHeartbeat
    from notifications.models import Notification
    from processes.models import Event, RequestCard

    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (RequestCard, Alert, Notification, Event)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        Notification.objects.all().delete()
        Alert.objects.all().delete()
        RequestCard.objects.all().delete()
    WorkerHeartbeat.objects.all().delete()


def _has_target_clock() -> bool:
    from processes.models import RequestCard

    return any(f.name == "target_due_at" for f in RequestCard._meta.concrete_fields)


def cards_generate_postgres(*, n: int, now: datetime, people: dict) -> None:
    """One INSERT ... SELECT over generate_series: the same mix as `_card_values`."""
    from django.db import connection

    from processes.models import RequestCard

    def array(values) -> str:
        return "(ARRAY[" + ", ".join(repr(v) for v in values) + "])"

    def pick(param: str) -> str:  # one of a list parameter, round robin on i
        return f"(%({param})s::bigint[])[1 + i % cardinality(%({param})s::bigint[])]"

    def mins(expr) -> str:
        return f"make_interval(mins => {expr})"

    def secs(expr) -> str:
        return f"make_interval(secs => {expr})"

    running = "kind IN ('breached', 'at_risk', 'on_track')"
    due = (
        f"CASE kind WHEN 'breached' THEN %(now)s - {mins('i % 1440 + 1')}"
        f" WHEN 'at_risk' THEN %(now)s + {mins('60 + i % 600')}"
        f" WHEN 'on_track' THEN %(now)s + {mins('60 + i % 2880')} + {secs('allowance / 4')} END"
    )
    at_risk = (
        f"CASE kind WHEN 'breached' THEN ({due}) - {secs('allowance / 4')}"
        f" WHEN 'at_risk' THEN %(now)s - {mins('i % 60 + 1')}"
        f" WHEN 'on_track' THEN %(now)s + {mins('60 + i % 2880')} END"
    )
    created = f"%(now)s - {mins('i % 43200 + 1440')}"
    columns = {
        "process_id": "%(process_id)s",
        "title": "'Bench order ' || i",
        "client_id": pick("client_ids"),
        "channel": f"{array(CHANNELS)}[1 + i % {len(CHANNELS)}]",
        "priority": f"{array(PRIORITIES)}[1 + i % {len(PRIORITIES)}]",
        "responsible_id": f"CASE WHEN i % 10 = 0 THEN NULL ELSE {pick('rep_ids')} END",
        "status": "status_slug",
        "version": "1 + i % 3",
        "is_blocked": "kind = 'blocked'",
        "block_reason_id": f"CASE WHEN kind = 'blocked' THEN {pick('reason_ids')} END",
        "blocked_at": f"CASE WHEN kind = 'blocked' THEN %(now)s - {mins('i % 600 + 10')} END",
        "created_at": created,
        "updated_at": f"%(now)s - {mins('i % 240 + 1')}",
        "status_changed_at": f"%(now)s - {mins('i % 240 + 1')}",
        "sla_visit": "1 + i % 3",
        "sla_allowance": "allowance",
        "sla_consumed": f"CASE WHEN {running} THEN 0 ELSE allowance / 3 END",
        "sla_at_risk_percent": "75",
        "sla_resumed_at": f"CASE WHEN {running} THEN %(now)s - {mins('i % 240 + 1')} END",
        "due_at": due,
        "at_risk_at": at_risk,
    }
    if _has_target_clock():
        target_runs = f"{running} AND status_slug <> 'fulfilled'"
        target_due = (
            f"CASE WHEN NOT ({target_runs}) THEN NULL"
            f" WHEN tkind = 'breached' THEN %(now)s - {mins('i % 2880 + 1')}"
            f" WHEN tkind = 'at_risk' THEN %(now)s + {mins('60 + i % 600')}"
            f" ELSE %(now)s + {mins('1440 + i % 4320')} END"
        )
        columns |= {
            "target_allowance": f"CASE WHEN status_slug <> 'fulfilled' THEN {TARGET_ALLOWANCE} END",
            "target_consumed": f"CASE WHEN {running} THEN 0 ELSE 3600 END",
            "target_at_risk_percent": "75",
            "target_resumed_at": f"CASE WHEN {target_runs} THEN {created} END",
            "target_due_at": target_due,
            "target_at_risk_at": (
                f"CASE WHEN NOT ({target_runs}) THEN NULL"
                f" WHEN tkind = 'at_risk' THEN %(now)s - {mins('i % 60 + 1')}"
                f" ELSE ({target_due}) - {secs(TARGET_ALLOWANCE // 4)} END"
            ),
        }
    params = {**people, "now": now, "n": n}
    # Every other column gets the model's default, as the ORM would write it.
    for field in RequestCard._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        params[f"default_{field.column}"] = field.get_db_prep_save(field.get_default(), connection)
        columns[field.column] = f"%(default_{field.column})s"
    statuses, allowances = zip(*RUNNING, strict=True)
    sql = f"""
        INSERT INTO {RequestCard._meta.db_table} ({", ".join(columns)})
        SELECT {", ".join(columns.values())}
        FROM (
            SELECT i, kind, tkind,
                CASE WHEN kind = 'waiting' THEN '{WAITING[0]}'
                    ELSE {array(statuses)}[1 + i % {len(RUNNING)}] END AS status_slug,
                CASE WHEN kind = 'waiting' THEN {WAITING[1]}
                    ELSE {array(allowances)}[1 + i % {len(RUNNING)}] END AS allowance
            FROM (
                SELECT i,
                    CASE WHEN b < 5 THEN 'breached' WHEN b < 15 THEN 'at_risk'
                        WHEN b < 20 THEN 'blocked' WHEN b < 25 THEN 'waiting'
                        ELSE 'on_track' END AS kind,
                    CASE WHEN tb < 2 THEN 'breached' WHEN tb < 5 THEN 'at_risk'
                        ELSE 'on_track' END AS tkind
                FROM (
                    SELECT i, (i::bigint * 7919) % 100 AS b, (i::bigint * 104729) % 100 AS tb
                    FROM generate_series(1, %(n)s) AS i
                ) buckets
            ) kinds
        ) cards
    """
    # The SQL modulo operator, doubled for the driver's %(name)s placeholders.
    sql = re.sub(r"%(?!\()", "%%", sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _card_values(i: int, now: datetime, people: dict, target: bool) -> dict:
    """One card of the mix, for databases without generate_series."""
    kind = _kind(i)
    status, allowance = WAITING if kind == "waiting" else RUNNING[i % 5]
    running = kind in ("breached", "at_risk", "on_track")
    due = at_risk = None
    if kind == "breached":
        due = now - timedelta(minutes=i % 1440 + 1)
        at_risk = due - timedelta(seconds=allowance // 4)
    elif kind == "at_risk":
        due = now + timedelta(minutes=60 + i % 600)
        at_risk = now - timedelta(minutes=i % 60 + 1)
    elif kind == "on_track":
        at_risk = now + timedelta(minutes=60 + i % 2880)
        due = at_risk + timedelta(seconds=allowance // 4)
    reps, clients, reasons = people["rep_ids"], people["client_ids"], people["reason_ids"]
    created = now - timedelta(minutes=i % 43200 + 1440)
    values = {
        "process_id": people["process_id"],
        "title": f"Bench order {i}",
        "client_id": clients[i % len(clients)],
        "channel": CHANNELS[i % len(CHANNELS)],
        "priority": PRIORITIES[i % len(PRIORITIES)],
        "responsible_id": None if i % 10 == 0 else reps[i % len(reps)],
        "status": status,
        "version": 1 + i % 3,
        "is_blocked": kind == "blocked",
        "block_reason_id": reasons[i % len(reasons)] if kind == "blocked" else None,
        "blocked_at": now - timedelta(minutes=i % 600 + 10) if kind == "blocked" else None,
        "created_at": created,
        "updated_at": now - timedelta(minutes=i % 240 + 1),
        "status_changed_at": now - timedelta(minutes=i % 240 + 1),
        "sla_visit": 1 + i % 3,
        "sla_allowance": allowance,
        "sla_consumed": 0 if running else allowance // 3,
        "sla_at_risk_percent": 75,
        "sla_resumed_at": now - timedelta(minutes=i % 240 + 1) if running else None,
        "due_at": due,
        "at_risk_at": at_risk,
    }
    if target:
        tkind, t_due, t_risk = _target_kind(i), None, None
        if running and status != "fulfilled":
            if tkind == "breached":
                t_due = now - timedelta(minutes=i % 2880 + 1)
            elif tkind == "at_risk":
                t_due = now + timedelta(minutes=60 + i % 600)
            else:
                t_due = now + timedelta(minutes=1440 + i % 4320)
            t_risk = (
                now - timedelta(minutes=i % 60 + 1)
                if tkind == "at_risk"
                else t_due - timedelta(seconds=TARGET_ALLOWANCE // 4)
            )
        values |= {
            "target_allowance": TARGET_ALLOWANCE if status != "fulfilled" else None,
            "target_consumed": 0 if running else 3600,
            "target_at_risk_percent": 75,
            "target_resumed_at": created if running and status != "fulfilled" else None,
            "target_due_at": t_due,
            "target_at_risk_at": t_risk,
        }
    return values


def cards_generate(*, n: int, now: datetime, people: dict) -> None:
    from django.db import connection, transaction

    from processes.models import RequestCard

    with transaction.atomic():
        if connection.vendor == "postgresql":
            cards_generate_postgres(n=n, now=now, people=people)
        else:
            target = _has_target_clock()
            for start in range(1, n + 1, 5000):
                RequestCard.objects.bulk_create(
                    RequestCard(**_card_values(i, now, people, target))
                    for i in range(start, min(start + 5000, n + 1))
                )
        # A few hundred finished cards: no clock, nothing for the scan.
        RequestCard.objects.bulk_create(
            RequestCard(
                process_id=people["process_id"],
                title=f"Bench finished order {i}",
                status="lost" if i % 3 == 0 else "closed",
                lost_reason="Price too high" if i % 3 == 0 else "",
                sla_visit=6,
                created_at=now - timedelta(days=20),
                updated_at=now - timedelta(days=2),
                status_changed_at=now - timedelta(days=2),
            )
            for i in range(FINAL_CARDS)
        )
    database_analyze()


def database_analyze() -> None:
    """Fresh statistics, as autovacuum would have them on a live database."""
    from django.db import connection

    from metrics.models import Alert
    from notifications.models import Notification
    from processes.models import RequestCard

    tables = [m._meta.db_table for m in (RequestCard, Alert, Notification)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            cursor.execute("ANALYZE")


def steady_plan_pages(now: datetime) -> dict | None:
    """Pages each of the steady scan's SELECTs reads (EXPLAIN ANALYZE BUFFERS), by pass.

    The figure that should not grow with the cards: wall time on a shared machine is noisy.
    """
    import json as _json

    from django.db import connection

    from metrics.services.deadlines import LEVELS
    from processes.models import RequestCard

    if connection.vendor != "postgresql":
        return None
    pages = {}
    for scan in LEVELS:
        query = (
            RequestCard.objects.filter(scan.todo, **{f"{scan.instant}__lte": now})
            .order_by(scan.instant, "id")
            .values("id", "status", "sla_visit", scan.due)[:BATCH_SIZE]
        )
        plan = _json.loads(query.explain(format="json", analyze=True, buffers=True))[0]["Plan"]
        name = f"{scan.instant} ({scan.level})"
        pages[name] = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return pages


def card_mix(now: datetime) -> dict:
    """What the database holds, counted from the columns the scan reads."""
    from django.db.models import Count, Q

    from processes.models import RequestCard

    counts = {
        "open": Count("id", filter=~Q(status__in=["closed", "lost"])),
        "breached": Count("id", filter=Q(due_at__lte=now)),
        "at_risk_not_breached": Count("id", filter=Q(at_risk_at__lte=now, due_at__gt=now)),
        "on_track": Count("id", filter=Q(at_risk_at__gt=now)),
        "paused_blocked": Count("id", filter=Q(is_blocked=True, due_at__isnull=True)),
        "paused_waiting": Count("id", filter=Q(status="awaiting_payment", due_at__isnull=True)),
        "final": Count("id", filter=Q(status__in=["closed", "lost"])),
    }
    if _has_target_clock():
        counts |= {
            "target_breached": Count("id", filter=Q(target_due_at__lte=now)),
            "target_at_risk_not_breached": Count(
                "id", filter=Q(target_at_risk_at__lte=now, target_due_at__gt=now)
            ),
        }
    return RequestCard.objects.aggregate(**counts)


def alerts_forget() -> None:
    """Back to the state before the cold scan: no alert, no notification, no card marked."""
    from django.db import connection

    from metrics.models import Alert
    from notifications.models import Notification
    from processes.models import RequestCard

    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (Alert, Notification)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        Notification.objects.all().delete()
        Alert.objects.all().delete()
    RequestCard.objects.update(
        sla_risk_alerted_visit=0,
        sla_breach_alerted_visit=0,
        target_risk_alerted=False,
        target_breach_alerted=False,
    )
    database_analyze()


# ---------------------------------------------------------------------------------------------
# Measuring


class Stages:
    """Wraps the scan's steps (by module attribute, no product code changed) to time them and
    count the SQL queries inside each batch."""

    def __init__(self):
        self.seconds: Counter = Counter()
        self.batches = 0
        self.batch_queries: list[int] = []
        # Rows the e-mail stage's SELECTs read back (cursor.rowcount, PostgreSQL).
        self.email_rows_read = 0

    def reset(self):
        self.seconds.clear()
        self.email_rows_read = 0
        self.batches = 0
        self.batch_queries.clear()

    def install(self):
        from django.db import connection

        import metrics.services.alerts
        import metrics.services.deadlines
        import notifications.tasks

        def wrap(module, name, stage, count_queries=False):
            original = getattr(module, name, None)
            if original is None:  # the product changed: time what is left
                return

            def rows_read(execute, sql, params, many, context):
                result = execute(sql, params, many, context)
                if sql.lstrip().upper().startswith("SELECT"):
                    self.email_rows_read += max(context["cursor"].rowcount, 0)
                return result

            def timed(*args, **kwargs):
                before = len(connection.queries_log)
                start = time.perf_counter()
                try:
                    if stage == "email":
                        with connection.execute_wrapper(rows_read):
                            return original(*args, **kwargs)
                    return original(*args, **kwargs)
                finally:
                    self.seconds[stage] += time.perf_counter() - start
                    if count_queries:
                        self.batches += 1
                        if connection.force_debug_cursor:
                            self.batch_queries.append(len(connection.queries_log) - before)

            setattr(module, name, timed)

        wrap(metrics.services.deadlines, "_scan_batch", "batch", count_queries=True)
        wrap(metrics.services.deadlines, "alerts_raise", "raise")
        wrap(metrics.services.alerts, "alerts_notify", "notify")
        wrap(notifications.tasks, "notifications_email_send", "email")


STAGES = Stages()


def _query_kind(sql: str) -> str:
    words = sql.split(None, 1)
    verb = words[0].upper() if words else "?"
    match = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {match.group(1)}" if match and verb != "SAVEPOINT" else verb


def scan(now: datetime, *, queries: bool = False, memory: bool = False) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from metrics.services.deadlines import deadline_scan

    reset_queries()
    STAGES.reset()
    mails_before = CountingLocmemBackend.sent
    capture = CaptureQueriesContext(connection)
    if queries:
        capture.__enter__()
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    raised = deadline_scan(now=now, batch_size=BATCH_SIZE)
    seconds = time.perf_counter() - start
    result: dict = {"alerts_raised": raised, "seconds": round(seconds, 3)}
    if memory:
        result["peak_python_memory_kib"] = round(tracemalloc.get_traced_memory()[1] / 1024)
        tracemalloc.stop()
    if queries:
        capture.__exit__(None, None, None)
        # A batch: the SELECT that found its candidates, then its transaction (alerts_raise and
        # the UPDATE marking the cards alerted).
        per_batch = [1 + n for n in STAGES.batch_queries]
        result |= {
            "queries": len(capture.captured_queries),
            "batches": STAGES.batches,
            "queries_per_batch": sorted(set(per_batch)),
            # The last, empty SELECT of each level and the heartbeat.
            "queries_outside_batches": len(capture.captured_queries) - sum(per_batch),
            "query_kinds": dict(
                sorted(Counter(_query_kind(q["sql"]) for q in capture.captured_queries).items())
            ),
        }
    notify = STAGES.seconds["notify"]
    email = STAGES.seconds["email"]
    # E-mails go out when a batch's transaction commits: inside the batch, after alerts_raise.
    batch, raised = STAGES.seconds["batch"], STAGES.seconds["raise"]
    result["seconds_by_stage"] = {
        "find_candidates_and_heartbeat": round(seconds - batch, 3),
        "insert_and_claim_alerts": round(raised - notify, 3),
        "notifications": round(notify, 3),
        "mark_cards_alerted_and_commit": round(batch - raised - email, 3),
        "emails": round(email, 3),
    }
    result["emails_sent"] = CountingLocmemBackend.sent - mails_before
    result["email_rows_read"] = STAGES.email_rows_read
    return result


def measure_scale(*, n: int, people: dict) -> dict:
    from metrics.models import Alert
    from notifications.models import Notification

    cards_delete()
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"\n{n:,} open cards: generating...", flush=True)
    start = time.perf_counter()
    cards_generate(n=n, now=now, people=people)
    generated = time.perf_counter() - start
    mix = card_mix(now)
    print(f"  generated in {generated:.1f} s: {mix}", flush=True)

    cold = scan(now, queries=True)
    alerts_by_level = dict(sorted(Counter(Alert.objects.values_list("level", flat=True)).items()))
    notifications = Notification.objects.count()
    print(
        f"  cold scan: {cold['alerts_raised']:,} alerts in {cold['seconds']:.1f} s,"
        f" {cold['queries']} queries",
        flush=True,
    )
    alerts_forget()
    cold_memory = scan(now, memory=True)
    print(
        f"  cold scan again, traced: peak {cold_memory['peak_python_memory_kib'] / 1024:.1f} MB"
        f" ({cold_memory['seconds']:.1f} s under tracemalloc)",
        flush=True,
    )
    database_analyze()  # autovacuum's work after the cold scan's writes, as on a live database
    steady_runs = [
        scan(now + timedelta(minutes=minute), queries=True) for minute in range(1, 1 + STEADY_RUNS)
    ]
    steady_memory = scan(now + timedelta(minutes=STEADY_RUNS + 1), memory=True)
    if any(run["alerts_raised"] for run in [*steady_runs, steady_memory]):
        raise SystemExit("A steady scan raised alerts: the generated data is wrong.")
    steady = {
        "index_pages_read": steady_plan_pages(now + timedelta(minutes=STEADY_RUNS + 1)),
        "seconds_median": round(statistics.median(r["seconds"] for r in steady_runs), 4),
        "seconds_runs": [r["seconds"] for r in steady_runs],
        "queries": sorted({r["queries"] for r in steady_runs}),
        "query_kinds": steady_runs[0]["query_kinds"],
        "peak_python_memory_kib": steady_memory["peak_python_memory_kib"],
    }
    print(
        f"  steady scan: {steady['seconds_median'] * 1000:.0f} ms, {steady['queries']} queries",
        flush=True,
    )
    return {
        "open_cards": n,
        "final_cards": FINAL_CARDS,
        "generate_seconds": round(generated, 2),
        "mix": mix,
        "cold": {
            **{k: v for k, v in cold.items() if k != "emails_sent"},
            "alerts_by_level": alerts_by_level,
            "notifications": notifications,
            "emails": cold["emails_sent"],
            "peak_python_memory_kib": cold_memory["peak_python_memory_kib"],
            "seconds_under_tracemalloc": cold_memory["seconds"],
        },
        "steady": steady,
    }


# ---------------------------------------------------------------------------------------------
# Report


def report_table(report: dict) -> str:
    table = common.ScaleTable(*report["scales"], size="open_cards")
    row = table.row
    row("cards generated in (s)", lambda s: s["generate_seconds"], "{:.1f}")
    row("cold scan: alerts raised", lambda s: s["cold"]["alerts_raised"], "{:,}")
    row(
        "  notifications / e-mails",
        lambda s: (s["cold"]["notifications"], s["cold"]["emails"]),
        "{0[0]:,} / {0[1]:,}",
        ratio=False,
    )
    row("  time (s)", lambda s: s["cold"]["seconds"], "{:.2f}")
    row(
        "  time per alert (ms)",
        lambda s: 1000 * s["cold"]["seconds"] / max(1, s["cold"]["alerts_raised"]),
        "{:.2f}",
    )
    row("  SQL queries", lambda s: s["cold"]["queries"])
    row("  batches of <= 2000", lambda s: s["cold"]["batches"])
    row(
        "  queries per batch (SELECT, raise, mark)",
        lambda s: "/".join(map(str, s["cold"]["queries_per_batch"])),
        ratio=False,
    )
    row("  other queries (last SELECTs, heartbeat)", lambda s: s["cold"]["queries_outside_batches"])
    row("  peak Python memory (MB)", lambda s: s["cold"]["peak_python_memory_kib"] / 1024, "{:.1f}")
    for stage in (
        "find_candidates_and_heartbeat",
        "insert_and_claim_alerts",
        "notifications",
        "mark_cards_alerted_and_commit",
        "emails",
    ):
        row(
            f"    {stage.replace('_', ' ')} (s)",
            lambda s, st=stage: s["cold"]["seconds_by_stage"][st],
            "{:.2f}",
        )
    row("    e-mails: rows read back", lambda s: s["cold"].get("email_rows_read", 0), "{:,}")
    row("steady scan: time (ms, median)", lambda s: 1000 * s["steady"]["seconds_median"], "{:.1f}")
    row("  SQL queries", lambda s: "/".join(map(str, s["steady"]["queries"])), ratio=False)
    row(
        "  pages read by its 4 SELECTs (EXPLAIN BUFFERS)",
        lambda s: sum((s["steady"]["index_pages_read"] or {}).values()),
    )
    row("  peak Python memory (KB)", lambda s: s["steady"]["peak_python_memory_kib"], "{:,}")
    return table.text()


def main() -> None:
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=100_000, help="open cards (default 100000)")
    args = parser.parse_args()
    if args.cards < 10:
        parser.error("--cards must be at least 10")

    started = time.perf_counter()
    common.database_ready(args.database_url, django_start)
    people = people_create()
    STAGES.install()

    scales = [measure_scale(n=n, people=people) for n in (args.cards // 10, args.cards)]
    small, big = scales
    report = {
        "benchmark": "deadline_scan",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cards": args.cards,
        "batch_size": BATCH_SIZE,
        "machine": common.machine(),
        "code": common.code_version(),
        "scales": scales,
        "ratios_n_over_n10": {
            "cold_seconds": round(big["cold"]["seconds"] / small["cold"]["seconds"], 2),
            "cold_alerts": round(big["cold"]["alerts_raised"] / small["cold"]["alerts_raised"], 2),
            "cold_queries": round(big["cold"]["queries"] / small["cold"]["queries"], 2),
            "cold_peak_memory": round(
                big["cold"]["peak_python_memory_kib"] / small["cold"]["peak_python_memory_kib"], 2
            ),
            "steady_seconds": round(
                big["steady"]["seconds_median"] / small["steady"]["seconds_median"], 2
            ),
        },
        "total_run_seconds": round(time.perf_counter() - started, 1),
    }
    common.report_write(report, args.output)
    print(common.report_heading(report, "Deadline scan", f"batch size {BATCH_SIZE}"))
    print(report_table(report))
    print(f"\nWhole run {report['total_run_seconds']:.0f} s. Written to {args.output}")


if __name__ == "__main__":
    main()
