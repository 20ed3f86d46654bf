"""Benchmark of the weekly flow metrics on a year of cards (DESIGN.md section 6, issue 5).

    .venv/bin/python bench/weekly_metrics.py [--cards 1000000] [--database-url URL]

It recreates its own PostgreSQL database (`opmodel_bench_weekly` by default), migrates it (the
order-to-cash process, its statuses, SLA policies and calendar come with the migrations) and
generates, set-based in the database, order-to-cash cards created over 52 ISO weeks with
about 8 events each, written as the services write them: created, the transitions along
received -> qualified -> priced -> agreed -> awaiting_payment -> fulfilled -> closed with some
cards lost from every open status (with a reason) and some still open, line items added,
shipment date and discount set, blocks and unblocks with their reasons. The card columns agree
with the events (status, status_changed_at, version, items totals, block state, lost reason).

At N/10 and at N cards, in the same run, it measures:
- the backfill of the 52 weeks' snapshots (the management command), in total and per week;
- for one week in the middle of the year, the median of several runs of
  `metrics.flow.weekly_flow_metrics` against the median of several runs of THE FLOOR: one
  hand-written SQL statement computing the same figures. The two must give equal figures (the
  run stops if they do not); the ratio app / floor must be at most 2 (issue 5);
- the weekly dashboard page rendered by Django's test client for a user with a role: its SQL
  queries (must be the same at both scales) and its median time (must not grow with the data).
It prints a table and writes bench/results/weekly_metrics.json.

The SLA clock columns of the generated cards are approximate (business time taken as a third
of calendar time); nothing measured here reads them. The database named in the URL is dropped
and recreated: its name must contain "bench".
"""

import json
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

RESULTS = common.ROOT / "bench" / "results" / "weekly_metrics.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/opmodel_bench_weekly"
WEEKS = 52
RUNS = 5  # timed runs of each measurement; the median is reported
MAX_RATIO = 2.0  # app / floor, issue 5
CLIENTS = 5000
REPS = 30

# The order-to-cash path (processes/migrations/0002_order_to_cash.py): status k is left by
# transition k; MEAN_HOURS[k] is the mean time spent in status k (exponentially distributed).
PATH = ["received", "qualified", "priced", "agreed", "awaiting_payment", "fulfilled", "closed"]
MOVES = ["qualify", "price", "agree", "invoice", "fulfil", "close"]
MEAN_HOURS = [6, 24, 48, 12, 72, 120]
LOST_MEAN_HOURS = 48
UNBLOCK_MEAN_HOURS = 36
# Where the demand comes from (weight) and how often it is lost there: win rates differ.
CHANNELS = [
    ("email", 30, 0.18),
    ("phone", 20, 0.15),
    ("website", 20, 0.22),
    ("sales_rep", 15, 0.10),
    ("marketplace", 10, 0.35),
    ("partner", 5, 0.12),
]
PRIORITIES = [("low", 15), ("normal", 70), ("high", 10), ("urgent", 5)]
STALLED = 0.15  # cards that stop in an open status and stay there (old work in progress)
# The open status a lost card is lost from, by weight (received .. fulfilled).
LOST_FROM = [25, 20, 30, 10, 10, 5]
BLOCKED = 0.35  # cards blocked once during one of their status visits
LOST_REASONS = ["Price too high", "Chose a competitor", "No budget", "Stock too late", "No reply"]
# Status SLA allowances in business minutes, "" = any other priority (migration 0006).
SLA_MINUTES = {
    "received": {"": 240, "high": 120, "urgent": 60},
    "qualified": {"": 480, "urgent": 120},
    "priced": {"": 960, "urgent": 240},
    "agreed": {"": 480, "urgent": 120},
    "awaiting_payment": {"": 2400},
    "fulfilled": {"": 1440},
}
TARGET_MINUTES = {"": 45 * 60, "high": 27 * 60, "urgent": 18 * 60}  # migration 0008
CALENDAR_FACTOR = 3  # business seconds -> calendar seconds, for the approximate SLA columns


# ---------------------------------------------------------------------------------------------
# Django


def django_start(url: str) -> None:
    settings = common.django_setup(url)
    from django.db.backends.signals import connection_created

    connection_created.connect(_session_settings)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _session_settings(sender, connection, **kwargs) -> None:
    """The same settings for every statement measured, app and floor alike: no JIT (it would
    spend longer compiling these statements than running them; metrics/flow/context.py turns it off
    for its own statement too)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


# ---------------------------------------------------------------------------------------------
# Data


def people_create() -> dict:
    """The manager who reads the dashboard, the responsible people and the clients."""
    from roles.models import RoleKind

    people = common.people_create(
        holders=[("bench_ops", RoleKind.EXECUTOR), ("bench_manager", RoleKind.ACCOUNTABLE)],
        reps=REPS,
        rep_role=RoleKind.EXECUTOR,
        clients=CLIENTS,
    )
    users = people.pop("user_ids")
    return {**people, "ops_id": users["bench_ops"], "manager_id": users["bench_manager"]}


def weeks_of_year(now: datetime, tz: ZoneInfo) -> list[str]:
    """The 52 ISO weeks before the week `now` falls in, oldest first."""
    monday = now.astimezone(tz).date()
    monday -= timedelta(days=monday.weekday())
    weeks = []
    for back in range(WEEKS, 0, -1):
        year, week, _ = (monday - timedelta(weeks=back)).isocalendar()
        weeks.append(f"{year}-W{week:02}")
    return weeks


def _week_start(week: str, tz: ZoneInfo) -> datetime:
    year, number = week.split("-W")
    day = date.fromisocalendar(int(year), int(number), 1)
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def _u(k: int) -> str:
    """A uniform draw in [0, 1), fixed by the card number and k: runs are reproducible."""
    return f"bench_u(i, {k})"


def _exp_seconds(k: int, mean_hours: float) -> str:
    return f"(-ln(1 - {_u(k)}) * {mean_hours * 3600})"


def _weighted(k: int, choices: list[tuple]) -> str:
    """SQL CASE picking one of the (value, weight, ...) choices by the draw k."""
    total = sum(c[1] for c in choices)
    parts, upto = [], 0
    for value, weight, *_ in choices[:-1]:
        upto += weight
        parts.append(f"WHEN {_u(k)} < {upto / total} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{choices[-1][0]}' END"


def _sql_array(values, cast: str = "text") -> str:
    return (
        "ARRAY[" + ", ".join(repr(v) if cast == "text" else str(v) for v in values) + f"]::{cast}[]"
    )


def _secs(expr: str) -> str:
    return f"make_interval(secs => {expr})"


def plan_create(cursor, *, n: int, start: datetime, end: datetime, now: datetime, people: dict):
    """bench_plan: one row per card with every instant of its life, decided up front; what
    happened after `now` is not written (the card is still on its way)."""
    span = (end - start).total_seconds()
    lost_share = " ".join(f"WHEN '{c}' THEN {p}" for c, _, p in CHANNELS)
    lost_from_total = sum(LOST_FROM)
    lost_stage, upto = [], 0
    for stage, weight in enumerate(LOST_FROM[:-1]):
        upto += weight
        lost_stage.append(f"WHEN {_u(7)} < {upto / lost_from_total} THEN {stage}")
    lost_stage_sql = f"CASE {' '.join(lost_stage)} ELSE {len(LOST_FROM) - 1} END"
    delays = [_exp_seconds(8 + k, h) for k, h in enumerate(MEAN_HOURS)]
    instants = ["created_at"] + [
        f"CASE WHEN reach >= {k} THEN created_at + {_secs(' + '.join(delays[:k]))} END"
        for k in range(1, len(PATH))
    ]
    cursor.execute(
        """
        CREATE FUNCTION bench_u(i bigint, k int) RETURNS float8 LANGUAGE sql IMMUTABLE
        PARALLEL SAFE AS $$ SELECT (hashint8(i * 64 + k) & 2147483647)::float8 / 2147483648 $$
        """
    )
    # The state at `now`, from the instants that have passed.
    passed = " + ".join(f"coalesce(times[{k + 1}] <= %(now)s, false)::int" for k in range(1, 7))
    sql = f"""
        CREATE UNLOGGED TABLE bench_plan AS
        WITH drawn AS MATERIALIZED (
            SELECT i,
                %(start)s::timestamptz + {_secs(f"{_u(0)} * {span}")} AS created_at,
                {_weighted(1, CHANNELS)} AS channel,
                {_weighted(2, PRIORITIES)} AS priority,
                (%(client_ids)s::bigint[])[
                    1 + floor(power({_u(3)}, 2) * {len(people["client_ids"])})::int
                ] AS client_id,
                CASE WHEN {_u(4)} >= 0.1 THEN 1 + floor({_u(5)} * {len(people["rep_ids"])})::int
                    END AS rep,
                {_u(6)} AS fate_draw,
                {lost_stage_sql} AS lost_stage,
                floor({_u(15)} * 6)::int AS stalled_stage,
                {_exp_seconds(14, LOST_MEAN_HOURS)} AS lost_delay,
                {_u(16)} < {BLOCKED} AS has_block,
                {_u(17)} AS block_stage_draw,
                1 + floor({_u(18)} * {len(people["reason_ids"])})::int AS reason,
                {_exp_seconds(19, UNBLOCK_MEAN_HOURS)} AS unblock_delay,
                {_u(20)} < 0.5 AS two_items,
                round((200 + {_u(21)} * 9800)::numeric, 2) AS price,
                0.55 + {_u(22)} * 0.4 AS cost_share,
                CASE WHEN {_u(23)} < 0.6 THEN 0 ELSE round((2 + {_u(24)} * 23)::numeric) END
                    AS discount,
                {_u(25)} AS block_at_draw,
                {_u(26)} AS unblock_at_draw,
                {_u(27)} < 0.2 AS deferred,
                {", ".join(f"{d} AS d{k + 1}" for k, d in enumerate(delays))}
            FROM generate_series(1, %(n)s) AS i
        ), fated AS MATERIALIZED (
            SELECT *,
                CASE WHEN fate_draw < (CASE channel {lost_share} END) THEN 'lost'
                    WHEN fate_draw < (CASE channel {lost_share} END) + {STALLED} THEN 'stalled'
                    ELSE 'closed' END AS fate
            FROM drawn
        ), reached AS MATERIALIZED (
            SELECT *,
                CASE fate WHEN 'closed' THEN {len(PATH) - 1} WHEN 'lost' THEN lost_stage
                    ELSE stalled_stage END AS reach
            FROM fated
        ), timed AS MATERIALIZED (
            SELECT *, ARRAY[{", ".join(instants)}] AS times
            FROM reached
        ), lost AS MATERIALIZED (
            SELECT *,
                CASE WHEN fate = 'lost' THEN times[reach + 1] + {_secs("lost_delay")} END
                    AS lost_at,
                floor(block_stage_draw * (least(reach, {len(PATH) - 2}) + 1))::int AS block_stage
            FROM timed
        ), visits AS MATERIALIZED (
            SELECT *,
                times[block_stage + 1] AS visit_start,
                CASE WHEN block_stage < reach THEN times[block_stage + 2]
                    WHEN fate = 'lost' THEN lost_at END AS visit_end
            FROM lost
        ), blocks AS MATERIALIZED (
            SELECT *,
                CASE WHEN has_block THEN visit_start + (coalesce(visit_end, visit_start
                    + {_secs("2 * unblock_delay")}) - visit_start) * (0.1 + 0.4 * block_at_draw)
                    END AS block_at
            FROM visits
        ), planned AS MATERIALIZED (
        SELECT i, created_at, channel, priority, client_id, fate, reach, times, lost_at,
            (%(rep_ids)s::bigint[])[rep] AS responsible_id,
            coalesce((%(rep_names)s::text[])[rep], '') AS responsible_name,
            coalesce((%(rep_ids)s::bigint[])[rep], %(ops_id)s) AS actor_id,
            (%(lost_reasons)s::text[])[1 + i %% {len(LOST_REASONS)}] AS lost_reason,
            CASE WHEN has_block THEN (%(reason_ids)s::bigint[])[reason] END AS block_reason_id,
            CASE WHEN has_block THEN (%(reason_slugs)s::text[])[reason] END AS block_reason,
            block_stage, block_at,
            CASE WHEN NOT has_block THEN NULL
                WHEN visit_end IS NULL THEN block_at + {_secs("unblock_delay")}
                ELSE block_at + (visit_end - block_at) * (0.3 + 0.6 * unblock_at_draw) END
                AS unblock_at,
            -- Line items while qualified and the shipment date and discount while priced, for
            -- the cards whose path goes on past those statuses.
            CASE WHEN reach >= 2 THEN times[2] + (times[3] - times[2]) * 0.3 END AS item1_at,
            CASE WHEN reach >= 2 AND two_items THEN times[2] + (times[3] - times[2]) * 0.6 END
                AS item2_at,
            CASE WHEN reach >= 3 THEN times[3] + (times[4] - times[3]) * 0.5 END AS terms_at,
            price, round(price * cost_share::numeric, 2) AS cost, discount, two_items,
            CASE WHEN two_items THEN round(price * 0.6, 2) ELSE price END AS price1,
            CASE WHEN two_items THEN round(price * cost_share::numeric * 0.6, 2)
                ELSE round(price * cost_share::numeric, 2) END AS cost1,
            deferred
        FROM blocks
        )
        SELECT *,
            {passed} AS stage,
            coalesce(lost_at <= %(now)s, false) AS lost_done,
            coalesce((item1_at <= %(now)s)::int, 0) + coalesce((item2_at <= %(now)s)::int, 0)
                AS items,
            coalesce(terms_at <= %(now)s, false) AS terms_done,
            coalesce(block_at <= %(now)s, false) AS blocked_done,
            coalesce(unblock_at <= %(now)s, false) AS unblocked_done
        FROM planned
    """
    cursor.execute(
        sql,
        {
            **people,
            "n": n,
            "start": start,
            "now": now,
            "lost_reasons": LOST_REASONS,
        },
    )


def _allowance_sql(minutes: dict[str, dict[str, int]], status: str = "status") -> str:
    whens = []
    for slug, by_priority in minutes.items():
        inner = " ".join(f"WHEN '{p}' THEN {m * 60}" for p, m in by_priority.items() if p)
        default = by_priority[""] * 60
        value = f"CASE priority {inner} ELSE {default} END" if inner else str(default)
        whens.append(f"WHEN '{slug}' THEN {value}")
    return f"CASE {status} {' '.join(whens)} END"


def cards_insert(cursor, *, now: datetime, people: dict) -> None:
    """The cards as the services leave them at `now`, with their plan's numbers as ids."""
    from django.db import connection

    from processes.models import RequestCard

    target = " ".join(f"WHEN '{p}' THEN {m * 60}" for p, m in TARGET_MINUTES.items() if p)
    target = f"CASE priority {target} ELSE {TARGET_MINUTES[''] * 60} END"
    path = _sql_array(PATH)
    columns = {
        "id": "i",
        "process_id": "%(process_id)s",
        "title": "'Bench order ' || i",
        "client_id": "client_id",
        "channel": "channel",
        "priority": "priority",
        "responsible_id": "responsible_id",
        "discount_percent": "CASE WHEN terms_done THEN discount ELSE 0 END",
        "payment_terms": "CASE WHEN deferred THEN 'deferred' ELSE 'prepaid' END",
        "deferred_days": "CASE WHEN deferred THEN 30 END",
        "shipment_date": "CASE WHEN terms_done THEN (terms_at + interval '7 days')::date END",
        "status": "status",
        "version": (
            "1 + stage + lost_done::int + items + terms_done::int + blocked_done::int"
            " + unblocked_done::int"
        ),
        "lost_reason": "CASE WHEN lost_done THEN lost_reason ELSE '' END",
        "items_count": "items",
        "items_price_total": "CASE items WHEN 0 THEN 0 WHEN 1 THEN price1 ELSE price END",
        "items_cost_total": "CASE items WHEN 0 THEN 0 WHEN 1 THEN cost1 ELSE cost END",
        "is_blocked": "is_blocked",
        "block_reason_id": "CASE WHEN is_blocked THEN block_reason_id END",
        "block_note": "''",
        "blocked_at": "CASE WHEN is_blocked THEN block_at END",
        "created_at": "created_at",
        "updated_at": (
            "greatest(status_changed_at, CASE WHEN items > 0 THEN item1_at END,"
            " CASE WHEN items > 1 THEN item2_at END, CASE WHEN terms_done THEN terms_at END,"
            " CASE WHEN blocked_done THEN block_at END,"
            " CASE WHEN unblocked_done THEN unblock_at END)"
        ),
        "status_changed_at": "status_changed_at",
        "created_by_id": "%(ops_id)s",
        "sla_visit": "1 + stage + lost_done::int",
        "sla_allowance": "allowance",
        "sla_consumed": "consumed",
        "sla_at_risk_percent": "75",
        "sla_resumed_at": "resumed_at",
        "due_at": f"resumed_at + {_secs(f'(allowance - consumed) * {CALENDAR_FACTOR}')}",
        "at_risk_at": (
            f"resumed_at + {_secs(f'greatest(0, allowance * 0.75 - consumed) * {CALENDAR_FACTOR}')}"
        ),
        "target_allowance": "target_allowance",
        "target_consumed": "0",
        "target_at_risk_percent": "75",
        "target_resumed_at": "target_resumed_at",
        "target_due_at": f"target_resumed_at + {_secs(f'target_allowance * {CALENDAR_FACTOR}')}",
        "target_at_risk_at": (
            f"target_resumed_at + {_secs(f'target_allowance * 0.75 * {CALENDAR_FACTOR}')}"
        ),
    }
    params = {**people, "now": now}
    for field in RequestCard._meta.concrete_fields:
        if field.column not in columns:
            params[f"default_{field.column}"] = field.get_db_prep_save(
                field.get_default(), connection
            )
            columns[field.column] = f"%(default_{field.column})s"
    sql = f"""
        INSERT INTO {RequestCard._meta.db_table} ({", ".join(columns)})
        SELECT {", ".join(columns.values())}
        FROM (
            SELECT *,
                CASE WHEN final OR paused THEN NULL
                    ELSE greatest(status_changed_at,
                        CASE WHEN unblocked_done AND block_stage = stage THEN unblock_at END)
                    END AS resumed_at,
                CASE WHEN NOT final AND blocked_done AND block_stage = stage
                    THEN least(allowance, floor(extract(epoch FROM block_at - status_changed_at)
                        / {CALENDAR_FACTOR})::int)
                    ELSE 0 END AS consumed,
                CASE WHEN NOT (final OR stage >= 5) THEN {target} END AS target_allowance,
                CASE WHEN NOT (final OR stage >= 5 OR paused) THEN created_at END
                    AS target_resumed_at
            FROM (
                SELECT *,
                    CASE WHEN final THEN NULL ELSE {_allowance_sql(SLA_MINUTES)} END AS allowance,
                    is_blocked OR status = 'awaiting_payment' AS paused
                FROM (
                    SELECT *,
                        CASE WHEN lost_done THEN 'lost' ELSE ({path})[stage + 1] END AS status,
                        lost_done OR stage = {len(PATH) - 1} AS final,
                        CASE WHEN lost_done THEN lost_at ELSE times[stage + 1] END
                            AS status_changed_at,
                        blocked_done AND NOT unblocked_done AS is_blocked
                    FROM bench_plan
                ) state
            ) clock
        ) card
    """
    cursor.execute(re.sub(r"%(?!\()", "%%", sql), params)
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{RequestCard._meta.db_table}', 'id'),"
        f" (SELECT max(id) FROM {RequestCard._meta.db_table}))"
    )


def _sla_data(stage: str, at: str) -> str:
    """The `data` of a transition out of the status visit number `stage` (an SQL expression)
    at `at`, as processes/services/transitions.py writes it: the visit's deadline (pushed out by
    a block in the visit) and whether the move came after it. The customer's statuses stop the
    clock: no deadline, never breached."""
    status = f"({_sql_array(PATH)})[{stage} + 1]"
    allowance = _allowance_sql(SLA_MINUTES, status)
    due = (
        f"times[{stage} + 1] + {_secs(f'({allowance}) * {CALENDAR_FACTOR}')}"
        f" + CASE WHEN block_at IS NOT NULL AND block_stage = {stage}"
        " THEN unblock_at - block_at ELSE interval '0' END"
    )
    iso = """to_char(({due}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""
    return (
        f'CASE WHEN {status} = \'awaiting_payment\' THEN \'{{"sla": {{"due_at": null,'
        f" \"breached\": false}}}}'::jsonb ELSE jsonb_build_object('sla', jsonb_build_object("
        f"'due_at', {iso.format(due=due)}, 'breached', {at} > {due})) END"
    )


def events_insert(cursor, *, now: datetime) -> None:
    """Every event up to `now`, in the order of time (as the app appends them)."""
    from processes.models import Event

    path = _sql_array(PATH)
    rows = [
        "('created', created_at, '', 'received', '', '', jsonb_build_object('channel', channel,"
        " 'priority', priority, 'responsible', responsible_name))"
    ]
    for k, move in enumerate(MOVES, start=1):
        rows.append(
            f"('transition', times[{k + 1}], '{PATH[k - 1]}', '{PATH[k]}', '{move}', '',"
            f" {_sla_data(str(k - 1), f'times[{k + 1}]')})"
        )
    rows += [
        f"('transition', lost_at, ({path})[reach + 1], 'lost', 'mark_lost', lost_reason,"
        f" {_sla_data('reach', 'lost_at')})",
        "('item_added', item1_at, 'qualified', 'qualified', '', '', jsonb_build_object("
        "'product', 'Bench product A', 'quantity', '1.000', 'unit_price', price1::text,"
        " 'unit_cost', cost1::text))",
        "('item_added', item2_at, 'qualified', 'qualified', '', '', jsonb_build_object("
        "'product', 'Bench product B', 'quantity', '1.000', 'unit_price', (price - price1)::text,"
        " 'unit_cost', (cost - cost1)::text))",
        "('field_change', terms_at, 'priced', 'priced', '', '', jsonb_build_object("
        "'field', 'shipment_date', 'old', '', 'new',"
        " ((terms_at + interval '7 days')::date)::text))",
        "('field_change', CASE WHEN discount > 0 THEN terms_at END, 'priced', 'priced', '', '',"
        " jsonb_build_object('field', 'discount_percent', 'old', '0', 'new', discount::text))",
        f"('block', block_at, ({path})[block_stage + 1], ({path})[block_stage + 1], '',"
        " block_reason, '{}'::jsonb)",
        f"('unblock', unblock_at, ({path})[block_stage + 1], ({path})[block_stage + 1], '',"
        " block_reason, jsonb_build_object('blocked_seconds',"
        " floor(extract(epoch FROM unblock_at - block_at))::int))",
    ]
    sql = f"""
        INSERT INTO {Event._meta.db_table}
            (card_id, kind, actor_id, at, from_status, to_status, transition, comment, reason,
             data)
        SELECT i, e.kind, actor_id, e.at, e.from_status, e.to_status, e.transition, '',
            e.reason, e.data
        FROM bench_plan CROSS JOIN LATERAL (VALUES {", ".join(rows)})
            AS e(kind, at, from_status, to_status, transition, reason, data)
        WHERE e.at <= %(now)s
        ORDER BY e.at, i
    """
    cursor.execute(re.sub(r"%(?!\()", "%%", sql), {"now": now})


def _secondary_indexes_drop(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' foreign keys and secondary indexes (rebuilt after the load, which is
    several times faster than keeping them up row by row); returns the SQL to recreate them."""
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in constraints
    ]


def cards_delete() -> None:
    from django.db import connection

    from metrics.models import Alert
    from notifications.models import Notification
    from processes.models import Event, LineItem, RequestCard

    tables = [m._meta.db_table for m in (RequestCard, Event, LineItem, Alert, Notification)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def cards_generate(*, n: int, start: datetime, end: datetime, now: datetime, people: dict):
    """Cards and events for [start, end), seen at `now`; returns the time of each step."""
    from django.db import connection

    from processes.models import Event, RequestCard

    seconds = {}
    tables = [RequestCard._meta.db_table, Event._meta.db_table]
    with connection.cursor() as cursor:
        # The JIT would compile these long expressions for minutes, uninterruptibly.
        cursor.execute("SET jit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("DROP TABLE IF EXISTS bench_plan")
        cursor.execute("DROP FUNCTION IF EXISTS bench_u(bigint, int)")
        recreate = _secondary_indexes_drop(cursor, tables)
        for step, run in [
            (
                "plan",
                lambda: plan_create(cursor, n=n, start=start, end=end, now=now, people=people),
            ),
            ("cards", lambda: cards_insert(cursor, now=now, people=people)),
            ("events", lambda: events_insert(cursor, now=now)),
            ("indexes", lambda: [cursor.execute(sql) for sql in recreate]),
        ]:
            began = time.perf_counter()
            run()
            seconds[step] = round(time.perf_counter() - began, 1)
            print(f"    {step}: {seconds[step]:.1f} s", flush=True)
        cursor.execute("DROP TABLE bench_plan")
        cursor.execute("DROP FUNCTION bench_u(bigint, int)")
        began = time.perf_counter()
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        seconds["vacuum_analyze"] = round(time.perf_counter() - began, 1)
        cursor.execute("RESET work_mem")
        cursor.execute("RESET maintenance_work_mem")
    return seconds


def data_mix() -> dict:
    """What the database holds, counted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE status = 'closed'),
                count(*) FILTER (WHERE status = 'lost'),
                count(*) FILTER (WHERE status NOT IN ('closed', 'lost')),
                count(*) FILTER (WHERE is_blocked),
                count(*) FILTER (WHERE responsible_id IS NULL)
            FROM processes_requestcard
            """
        )
        cards, closed, lost, open_, blocked, unassigned = cursor.fetchone()
        cursor.execute("SELECT kind, count(*) FROM processes_event GROUP BY kind ORDER BY kind")
        kinds = dict(cursor.fetchall())
    events = sum(kinds.values())
    return {
        "cards": cards,
        "closed": closed,
        "lost": lost,
        "open": open_,
        "blocked_now": blocked,
        "without_responsible": unassigned,
        "events": events,
        "events_per_card": round(events / max(1, cards), 2),
        "events_by_kind": kinds,
    }


# ---------------------------------------------------------------------------------------------
# The floor: one hand-written SQL statement computing the same figures as weekly_flow_metrics


def _spread(column: str, source: str) -> str:
    """Count and 50/85/95th percentiles (linear interpolation) of a column, as JSON."""
    p = f"percentile_cont(ARRAY[0.5, 0.85, 0.95]) WITHIN GROUP (ORDER BY {column}::float8)"
    return f"""(SELECT jsonb_build_object('count', count(*),
            'p50', round(({p})[1]::numeric, 4), 'p85', round(({p})[2]::numeric, 4),
            'p95', round(({p})[3]::numeric, 4))
        FROM {source})"""


def _flow_constant(name: str) -> int:
    """A size the definitions fix (sample sizes, windows), read from the metrics code so that
    both sides count the same cards."""
    import metrics.flow

    if not hasattr(metrics.flow, name):
        raise SystemExit(f"metrics.flow no longer defines {name}: update the floor.")
    return getattr(metrics.flow, name)


def floor_sql(statuses: list[str]) -> str:
    """THE FLOOR. Written from DESIGN.md section 4 and the definitions in metrics/flow/, not
    from its SQL: one pass folds the events into one row per card (its points, its status
    and responsible person as of the end, the first time it reached each status), and the
    figures are aggregates over those rows; only the cards finished in the week go back to the
    event index, for their status visits. PostgreSQL only (percentile_cont, FILTER, jsonb)."""
    AGING_POINTS = _flow_constant("AGING_POINTS_PER_STATUS")
    REPEAT_SHOWN = _flow_constant("REPEAT_CLIENTS_SHOWN")
    REPEAT_WINDOW_DAYS = _flow_constant("REPEAT_WINDOW_DAYS")
    SCATTER_POINTS = _flow_constant("SCATTER_POINTS")
    TRAILING_WEEKS = _flow_constant("TRAILING_WEEKS")

    reach = ",\n        ".join(
        f"min(at) FILTER (WHERE kind IN ('created', 'transition') AND to_status = '{s}')"
        f" AS reach_{k}"
        for k, s in enumerate(statuses)
    )
    days = lambda t: f"extract(epoch FROM {t}) / 86400"  # noqa: E731
    cfd = ", ".join(
        f"'{s}', (SELECT CASE WHEN count(reach_{k}) > 0 THEN jsonb_build_array("
        + ", ".join(f"count(*) FILTER (WHERE reach_{k} < %(day{d})s)" for d in range(1, 8))
        + ") END FROM card)"
        for k, s in enumerate(statuses)
    )
    conversion = ", ".join(
        f"'{s}', (SELECT CASE WHEN count(reach_{k}) > 0 THEN jsonb_build_object("
        f"'cards', count(reach_{k}), 'share', round(count(reach_{k})::numeric / count(*), 4))"
        f" END FROM cohort)"
        for k, s in enumerate(statuses)
    )
    blocked_in_cycle = days("least(b_to, finished_at) - greatest(b_from, started_at)")
    return f"""
WITH ev AS MATERIALIZED (
    SELECT e.id, e.card_id, e.kind, e.at, e.from_status, e.to_status, e.reason,
        CASE e.kind WHEN 'created' THEN e.data->>'responsible'
            WHEN 'assignment' THEN e.data->>'new' END AS resp,
        CASE WHEN e.kind = 'transition' AND jsonb_typeof(e.data->'sla') = 'object'
            THEN (e.data->'sla'->>'breached' = 'true')::int END AS breached,
        CASE WHEN e.kind = 'created' THEN e.data->>'channel' END AS chan
    FROM processes_event e JOIN processes_requestcard c ON c.id = e.card_id
    WHERE c.process_id = %(process)s AND e.at < %(asof)s
        AND e.kind IN ('created', 'transition', 'block', 'unblock', 'assignment')
),
card AS MATERIALIZED (
    SELECT card_id,
        min(at) FILTER (WHERE kind = 'created') AS created_at,
        min(at) FILTER (WHERE kind = 'transition' AND from_status = %(first)s) AS started_at,
        max(at) FILTER (WHERE kind IN ('created', 'transition')) AS moved_at,
        (array_agg(to_status ORDER BY at DESC, id DESC)
            FILTER (WHERE kind IN ('created', 'transition')))[1] AS state,
        (array_agg(resp ORDER BY at DESC, id DESC)
            FILTER (WHERE kind IN ('created', 'assignment')))[1] AS resp,
        max(chan) AS created_channel,
        {reach}
    FROM ev GROUP BY card_id
),
cf AS MATERIALIZED (
    SELECT card.*, coalesce(card.created_channel, c.channel) AS channel, c.client_id,
        CASE WHEN st.final THEN card.moved_at END AS finished_at
    FROM card JOIN processes_requestcard c ON c.id = card.card_id
        LEFT JOIN processes_status st ON st.process_id = %(process)s AND st.slug = card.state
    WHERE card.created_at IS NOT NULL AND card.state IS NOT NULL
),
fin AS MATERIALIZED (
    SELECT card_id, channel, state, started_at, finished_at,
        {days("finished_at - started_at")} AS cycle, {days("finished_at - created_at")} AS lead
    FROM cf WHERE finished_at >= %(trail_start)s
),
fw AS MATERIALIZED (SELECT * FROM fin WHERE finished_at >= %(start)s),
wip AS MATERIALIZED (
    SELECT card_id, state, {days("%(asof)s - started_at")} AS age
    FROM cf WHERE started_at IS NOT NULL AND finished_at IS NULL
),
cohort AS MATERIALIZED (SELECT * FROM cf WHERE created_at >= %(trail_start)s),
visit AS (
    SELECT e.card_id, e.to_status AS status, e.at,
        lead(e.at) OVER (PARTITION BY e.card_id ORDER BY e.at, e.id) AS left_at
    FROM processes_event e
    WHERE e.card_id IN (SELECT card_id FROM fw) AND e.at < %(asof)s
        AND e.kind IN ('created', 'transition')
),
bk AS (
    SELECT card_id, kind, at, reason, lead(kind) OVER w AS next_kind, lead(at) OVER w AS next_at
    FROM ev WHERE kind IN ('block', 'unblock')
    WINDOW w AS (PARTITION BY card_id ORDER BY at, id)
),
blk AS MATERIALIZED (  -- ended by the unblock, else by the card's finish, else the end
    SELECT bk.card_id, bk.reason, bk.at AS b_from, cf.started_at, cf.finished_at,
        least(CASE WHEN bk.next_kind = 'unblock' THEN bk.next_at ELSE %(asof)s END,
            CASE WHEN cf.finished_at >= bk.at THEN cf.finished_at END) AS b_to
    FROM bk JOIN cf ON cf.card_id = bk.card_id
    WHERE bk.kind = 'block'
),
wblk AS MATERIALIZED (
    SELECT card_id, reason,
        {days("least(b_to, %(asof)s) - greatest(b_from, %(start)s)")} AS days
    FROM blk WHERE b_from < %(asof)s AND b_to > %(start)s
),
agreement AS MATERIALIZED (  -- the first agreement of each card agreed in the week
    SELECT DISTINCT ON (card_id) card_id, at, id FROM ev
    WHERE kind = 'transition' AND to_status = %(agreed)s AND at >= %(start)s
    ORDER BY card_id, at, id
),
as_agreed AS MATERIALIZED (  -- line items added and the discount set before it
    SELECT a.card_id, coalesce(cf.channel, c.channel) AS channel,
        coalesce(
            (SELECT (e.data->>'new')::numeric FROM processes_event e
                WHERE e.card_id = a.card_id AND e.kind = 'field_change'
                    AND e.data->>'field' = 'discount_percent' AND (e.at, e.id) < (a.at, a.id)
                ORDER BY e.at DESC, e.id DESC LIMIT 1),
            (SELECT (e.data->>'old')::numeric FROM processes_event e
                WHERE e.card_id = a.card_id AND e.kind = 'field_change'
                    AND e.data->>'field' = 'discount_percent' AND (e.at, e.id) > (a.at, a.id)
                ORDER BY e.at, e.id LIMIT 1),
            c.discount_percent) AS discount,
        (SELECT coalesce(sum(round((e.data->>'quantity')::numeric
                * (e.data->>'unit_price')::numeric, 2)), 0)
            FROM processes_event e WHERE e.card_id = a.card_id AND e.kind = 'item_added'
                AND (e.at, e.id) < (a.at, a.id)) AS price,
        (SELECT coalesce(sum(round((e.data->>'quantity')::numeric
                * (e.data->>'unit_cost')::numeric, 2)), 0)
            FROM processes_event e WHERE e.card_id = a.card_id AND e.kind = 'item_added'
                AND (e.at, e.id) < (a.at, a.id)) AS cost
    FROM agreement a JOIN processes_requestcard c ON c.id = a.card_id
        LEFT JOIN cf ON cf.card_id = a.card_id
),
mg AS MATERIALIZED (
    SELECT id, channel, discount, margin, round(margin, 2) AS margin_shown
    FROM (  -- the net at the cent; the margin compared with the floor as shown, at 2 decimals
        SELECT card_id AS id, channel, discount,
            CASE WHEN round(price * (100 - discount) / 100, 2) > 0
                THEN (round(price * (100 - discount) / 100, 2) - cost) * 100
                    / round(price * (100 - discount) / 100, 2) END AS margin
        FROM as_agreed
    ) m
),
client_then AS MATERIALIZED (  -- each card's client at the end: its latest event that says
                               -- (created, or a client change), else for older cards the old
                               -- value of the first change after, else the card's own
    SELECT cf.card_id, CASE WHEN said.has THEN said.id
            WHEN later.has THEN later.id ELSE c.client_id END AS client_id
    FROM cf JOIN processes_requestcard c ON c.id = cf.card_id
    LEFT JOIN LATERAL (
        SELECT true AS has, nullif(CASE e.kind WHEN 'created' THEN e.data->>'client_id'
                ELSE e.data->>'new_id' END, '')::bigint AS id
        FROM processes_event e
        WHERE e.card_id = cf.card_id AND e.at < %(asof)s
            AND ((e.kind = 'created' AND e.data ? 'client_id') OR (e.kind = 'field_change'
                AND e.data->>'field' = 'client' AND e.data ? 'new_id'))
        ORDER BY e.at DESC, e.id DESC LIMIT 1
    ) said ON true
    LEFT JOIN LATERAL (
        SELECT true AS has, (e.data->>'old_id')::bigint AS id
        FROM processes_event e
        WHERE e.card_id = cf.card_id AND e.at >= %(asof)s AND e.kind = 'field_change'
            AND e.data->>'field' = 'client' AND e.data ? 'old_id'
        ORDER BY e.at, e.id LIMIT 1
    ) later ON true
    WHERE cf.created_at >= %(repeat_start)s
),
rep AS MATERIALIZED (
    SELECT ct.client_id, cl.name, count(*) AS cards
    FROM client_then ct JOIN processes_client cl ON cl.id = ct.client_id
    GROUP BY ct.client_id, cl.name HAVING count(*) >= 2
),
ended AS MATERIALIZED (  -- visits with an SLA ended in the week
    SELECT from_status AS status, count(*) AS visits, sum(breached) AS late
    FROM ev WHERE kind = 'transition' AND breached IS NOT NULL AND at >= %(start)s
    GROUP BY from_status
),
due AS MATERIALIZED (  -- deadlines passed in the week: recorded by the move that ended the
                       -- visit (at any time since), or of the visit the card is in now
    SELECT status, count(*) AS breaches FROM (
        SELECT e.from_status AS status FROM processes_event e
            JOIN processes_requestcard c ON c.id = e.card_id
        WHERE c.process_id = %(process)s AND e.kind = 'transition' AND e.at >= %(start)s
            AND e.data->'sla'->>'breached' = 'true'
            AND coalesce((e.data->'sla'->>'due_at')::timestamptz, e.at) >= %(start)s
            AND coalesce((e.data->'sla'->>'due_at')::timestamptz, e.at) < %(asof)s
        UNION ALL
        SELECT status FROM processes_requestcard
        WHERE process_id = %(process)s AND sla_allowance IS NOT NULL
            AND status_changed_at < %(asof)s AND due_at >= %(start)s AND due_at < %(asof)s
    ) d GROUP BY status
),
sla AS MATERIALIZED (
    SELECT coalesce(ended.status, due.status) AS status, coalesce(visits, 0) AS visits,
        coalesce(late, 0) AS late, coalesce(breaches, 0) AS breaches
    FROM ended FULL JOIN due ON due.status = ended.status
)
SELECT jsonb_build_object(
    'intake', (SELECT jsonb_build_object('total', count(*), 'by_channel',
        (SELECT coalesce(jsonb_object_agg(channel, n), '{{}}') FROM (
            SELECT channel, count(*) AS n FROM cf WHERE created_at >= %(start)s
            GROUP BY channel) i))
        FROM cf WHERE created_at >= %(start)s),
    'throughput', (SELECT jsonb_build_object('total', count(*),
        'closed', count(*) FILTER (WHERE state <> %(lost)s),
        'lost', count(*) FILTER (WHERE state = %(lost)s),
        'by_status', (SELECT coalesce(jsonb_object_agg(state, n), '{{}}') FROM (
            SELECT state, count(*) AS n FROM fw GROUP BY state) t))
        FROM fw),
    'wip', (SELECT jsonb_build_object('total', count(*), 'by_status',
        (SELECT coalesce(jsonb_object_agg(state, n), '{{}}') FROM (
            SELECT state, count(*) AS n FROM wip GROUP BY state) w))
        FROM wip),
    'work_item_age', {_spread("age", "wip")},
    'aging_wip', (SELECT coalesce(jsonb_object_agg(state, jsonb_build_object('count', n,
        'cards', cards)), '{{}}') FROM (
            SELECT state, max(n) AS n, jsonb_agg(jsonb_build_object('card', card_id,
                'age_days', round(age::numeric, 4)) ORDER BY age, card_id) AS cards
            FROM (SELECT state, card_id, age,
                    row_number() OVER (PARTITION BY state ORDER BY age, card_id) AS i,
                    count(*) OVER (PARTITION BY state) AS n
                FROM wip) a
            WHERE ((i - 1) * {AGING_POINTS}) / n < (i * {AGING_POINTS}) / n
            GROUP BY state) s),
    'cycle_time', jsonb_build_object(
        'week', {_spread("cycle", "fw")},
        'trailing_12_weeks', {_spread("cycle", "fin")},
        'points', (SELECT coalesce(jsonb_agg(jsonb_build_object('card', card_id,
            'days', round(cycle::numeric, 4),
            'offset', extract(epoch FROM finished_at - %(start)s), 'status', state)
            ORDER BY card_id), '[]')
            FROM (SELECT card_id, cycle, finished_at, state,
                    row_number() OVER (ORDER BY cycle, card_id) AS i, count(*) OVER () AS n
                FROM fw) p
            WHERE ((i - 1) * {SCATTER_POINTS}) / n < (i * {SCATTER_POINTS}) / n)),
    'lead_time', jsonb_build_object(
        'week', {_spread("lead", "fw")}, 'trailing_12_weeks', {_spread("lead", "fin")}),
    'time_in_status', (SELECT coalesce(jsonb_object_agg(status, jsonb_build_object(
            'cards', cards, 'total_days', round(total::numeric, 4),
            'mean_days', round((total / cards)::numeric, 4))), '{{}}')
        FROM (SELECT status, count(DISTINCT card_id) AS cards,
                sum({days("left_at - at")}) AS total
            FROM visit WHERE left_at IS NOT NULL GROUP BY status) v),
    'flow_efficiency', (SELECT jsonb_build_object(
            'share', CASE WHEN cycle > 0 THEN round(((cycle - blocked) / cycle)::numeric, 4) END,
            'cycle_days', round(cycle::numeric, 4), 'blocked_days', round(blocked::numeric, 4),
            'cards', cards)
        FROM (SELECT (SELECT count(*) FROM fw) AS cards,
            (SELECT coalesce(sum(cycle), 0) FROM fw) AS cycle,
            (SELECT coalesce(sum({blocked_in_cycle}), 0)
                FROM blk WHERE finished_at >= %(start)s AND b_to > started_at
                    AND b_from < finished_at) AS blocked) f),
    'blocked', jsonb_build_object(
        'cards', (SELECT count(DISTINCT card_id) FROM wblk),
        'days', (SELECT round(coalesce(sum(days), 0)::numeric, 4) FROM wblk),
        'reasons', (SELECT coalesce(jsonb_agg(jsonb_build_object('reason', reason,
                'cards', cards, 'days', round(days::numeric, 4)) ORDER BY days DESC, reason),
                '[]')
            FROM (SELECT reason, count(DISTINCT card_id) AS cards, sum(days) AS days
                FROM wblk GROUP BY reason) r)),
    'sla', (SELECT jsonb_build_object('breaches', coalesce(sum(breaches), 0),
            'visits_ended', coalesce(sum(visits), 0), 'ended_late', coalesce(sum(late), 0),
            'on_time_share', CASE WHEN sum(visits) > 0
                THEN round((sum(visits) - sum(late)) / sum(visits), 4) END,
            'by_status', coalesce(jsonb_object_agg(status, jsonb_build_object(
                'visits', visits, 'ended_late', late, 'breaches', breaches)), '{{}}'))
        FROM sla),
    'ownership', (SELECT jsonb_build_object('open', count(*),
            'unassigned', count(*) FILTER (WHERE coalesce(resp, '') = ''),
            'unassigned_share', CASE WHEN count(*) > 0 THEN round(
                count(*) FILTER (WHERE coalesce(resp, '') = '')::numeric / count(*), 4) END)
        FROM cf WHERE finished_at IS NULL),
    'conversion', jsonb_build_object('window_weeks', {TRAILING_WEEKS},
        'cohort', (SELECT count(*) FROM cohort),
        'by_status', jsonb_strip_nulls(jsonb_build_object({conversion}))),
    'win_rate', (SELECT jsonb_build_object(
            'closed', coalesce(sum(n - lost), 0), 'lost', coalesce(sum(lost), 0),
            'rate', CASE WHEN sum(n) > 0 THEN round((sum(n) - sum(lost)) / sum(n), 4) END,
            'by_channel', coalesce(jsonb_object_agg(channel, jsonb_build_object(
                'closed', n - lost, 'lost', lost,
                'rate', round((n - lost)::numeric / n, 4))), '{{}}'))
        FROM (SELECT channel, count(*) AS n, count(*) FILTER (WHERE state = %(lost)s) AS lost
            FROM fw GROUP BY channel) w),
    'margin', (SELECT jsonb_build_object('floor_percent', %(floor)s::float8,
            'agreed', coalesce(sum(agreed), 0), 'with_margin', coalesce(sum(with_margin), 0),
            'under_floor', coalesce(sum(under_floor), 0),
            'average_margin_percent', round(sum(margin_sum) / nullif(sum(with_margin), 0), 2),
            'average_discount_percent', round(sum(discount_sum) / nullif(sum(agreed), 0), 2),
            'by_channel', coalesce(jsonb_object_agg(channel, jsonb_build_object(
                'agreed', agreed, 'with_margin', with_margin, 'under_floor', under_floor,
                'average_margin_percent', round(margin_sum / nullif(with_margin, 0), 2),
                'average_discount_percent', round(discount_sum / agreed, 2))), '{{}}'))
        FROM (SELECT channel, count(*) AS agreed, count(margin) AS with_margin,
                count(*) FILTER (WHERE margin_shown < %(floor)s) AS under_floor,
                sum(margin) AS margin_sum, sum(discount) AS discount_sum
            FROM mg GROUP BY channel) m),
    'repeat_requests', jsonb_build_object('window_days', {REPEAT_WINDOW_DAYS},
        'clients', (SELECT count(*) FROM rep),
        'cards', (SELECT coalesce(sum(cards), 0) FROM rep),
        'top', (SELECT coalesce(jsonb_agg(jsonb_build_object('client', client_id,
                'name', name, 'cards', cards) ORDER BY cards DESC, name), '[]')
            FROM (SELECT * FROM rep ORDER BY cards DESC, name LIMIT {REPEAT_SHOWN}) t)),
    'cumulative_flow', jsonb_build_object(
        'by_status', jsonb_strip_nulls(jsonb_build_object({cfd})))
)
"""


def floor_params(process, week: str, now: datetime) -> dict:
    from metrics.flow import iso_week_bounds, margin_floor_percent
    from processes.models import Status

    start, end = iso_week_bounds(process, week)
    zone = ZoneInfo(_zone_name(process))
    monday = start.astimezone(zone).date()
    params = {
        "process": process.pk,
        "first": Status.objects.filter(process=process).order_by("order", "id")[0].slug,
        "start": start,
        "asof": min(end, now),
        # Whole local weeks and days: local midnight, however many hours DST made them.
        "trail_start": _local_midnight(
            monday - timedelta(weeks=_flow_constant("TRAILING_WEEKS") - 1), zone
        ),
        "repeat_start": _local_midnight(
            monday + timedelta(days=7 - _flow_constant("REPEAT_WINDOW_DAYS")), zone
        ),
        "agreed": "agreed",
        "lost": "lost",
        "floor": margin_floor_percent(process),
    }
    for k in range(1, 8):
        day = monday + timedelta(days=k)
        params[f"day{k}"] = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    return params


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _zone_name(process) -> str:
    from processes.calendars import process_calendar

    return process_calendar(process).timezone


def floor_run(sql: str, params: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        figures = cursor.fetchone()[0]
    if isinstance(figures, str):  # Django's driver setup leaves jsonb as text
        figures = json.loads(figures)
    for point in figures["cycle_time"]["points"]:
        offset = float(point.pop("offset"))
        point["finished_at"] = (params["start"] + timedelta(seconds=round(offset))).isoformat()
    return figures


def figures_differ(app, floor, path: str = "") -> list[str]:
    """Where the floor's figures and the app's differ (every figure the floor computes).
    Floats are compared to the app's rounding (4 decimals, percents 2)."""
    if isinstance(floor, dict):
        if not isinstance(app, dict):
            return [f"{path}: app {app!r}, floor {floor!r}"]
        keys = set(floor) | (set(app) if path.split(".")[-1] in _DIMENSIONS else set())
        return [
            diff
            for key in sorted(keys)
            for diff in figures_differ(app.get(key), floor.get(key), f"{path}.{key}".lstrip("."))
        ]
    if isinstance(floor, list):
        if not isinstance(app, list) or len(app) != len(floor):
            return [f"{path}: app has {_len(app)} items, floor {_len(floor)}"]
        return [
            d
            for k, (a, f) in enumerate(zip(app, floor, strict=True))
            for d in figures_differ(a, f, f"{path}[{k}]")
        ]
    if isinstance(floor, (int, float)) and not isinstance(floor, bool) and app is not None:
        tolerance = 0.011 if path.endswith("_percent") else 2e-4
        if isinstance(app, (int, float)) and abs(float(app) - float(floor)) <= tolerance:
            return []
    elif app == floor:
        return []
    return [f"{path}: app {app!r}, floor {floor!r}"]


# Dicts keyed by a dimension: a key only the app has is a difference too.
_DIMENSIONS = {"by_channel", "by_status", "aging_wip", "time_in_status"}


def _len(value) -> str:
    return str(len(value)) if isinstance(value, list) else repr(value)


def _timed(run) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


class TimedOut(Exception):
    pass


def _limited(run, seconds: int):
    """Run the app's code under a statement timeout, so that a computation that does not scale
    ends the measurement with a figure ("over N s") instead of running for hours."""
    from django.db import OperationalError, connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{int(seconds * 1000)}'")
    try:
        return run()
    except OperationalError as exc:
        if "statement timeout" in str(exc):
            raise TimedOut(seconds) from exc
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def compare_week(*, process, week: str, now: datetime, timeout: int) -> dict:
    """The app's computation of one week against the floor, alternating runs on warm caches."""
    from metrics.flow import weekly_flow_metrics
    from processes.models import Status

    statuses = list(
        Status.objects.filter(process=process)
        .order_by("order", "id")
        .values_list("slug", flat=True)
    )
    sql, params = floor_sql(statuses), floor_params(process, week, now)
    floor_figures = floor_run(sql, params)  # warm-up
    result = {"week": week, "as_of": params["asof"].isoformat(), "timeout_seconds": timeout}

    def app_run():
        return _limited(lambda: weekly_flow_metrics(process=process, week=week, now=now), timeout)

    try:
        app_figures = app_run()  # warm-up
    except TimedOut:
        floor = statistics.median(_timed(lambda: floor_run(sql, params))[0] for _ in range(RUNS))
        return result | {
            "figures_compared": 0,
            "figures_equal": None,
            "app_seconds_median": None,
            "app_over_seconds": timeout,
            "floor_seconds_median": round(floor, 3),
            "ratio_app_over_floor": None,
            "ratio_over": round(timeout / floor, 1),
            "pass": False,
        }
    differences = figures_differ(app_figures, floor_figures)
    if differences:
        print("\nThe floor and weekly_flow_metrics disagree:", *differences[:40], sep="\n  ")
        raise SystemExit(f"FAIL: {len(differences)} figures differ; the comparison is void.")
    app_runs, floor_runs = [], []
    for _ in range(RUNS):
        app_runs.append(_timed(app_run)[0])
        floor_runs.append(_timed(lambda: floor_run(sql, params))[0])
    app, floor = statistics.median(app_runs), statistics.median(floor_runs)
    return result | {
        "figures_compared": _leaves(floor_figures),
        "figures_equal": True,
        "app_seconds_median": round(app, 3),
        "app_seconds_runs": [round(r, 3) for r in app_runs],
        "floor_seconds_median": round(floor, 3),
        "floor_seconds_runs": [round(r, 3) for r in floor_runs],
        "ratio_app_over_floor": round(app / floor, 2),
        "pass": app / floor <= MAX_RATIO,
        "week_figures": {
            "intake": app_figures["intake"]["total"],
            "throughput": app_figures["throughput"]["total"],
            "wip": app_figures["wip"]["total"],
            "cycle_time_p85_days": app_figures["cycle_time"]["week"]["p85"],
            "sla_visits_ended": app_figures["sla"]["visits_ended"],
            "blocked_cards": app_figures["blocked"]["cards"],
        },
    }


def _leaves(value) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v) for v in value)
    return 1


def explain(*, process, week: str, now: datetime) -> dict:
    """EXPLAIN ANALYZE of the app's statement (as it ran, captured) and of the floor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from metrics.flow import weekly_flow_metrics
    from processes.models import Status

    with CaptureQueriesContext(connection) as captured:
        weekly_flow_metrics(process=process, week=week, now=now)
    app_sql = max((q["sql"] for q in captured.captured_queries), key=len)
    statuses = list(
        Status.objects.filter(process=process)
        .order_by("order", "id")
        .values_list("slug", flat=True)
    )
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + app_sql)
        plans["app"] = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + floor_sql(statuses), floor_params(process, week, now)
        )
        plans["floor"] = [row[0] for row in cursor.fetchall()]
    return plans


def backfill(*, process, weeks: list[str], now: datetime, timeout: int, budget: int) -> dict:
    """Every week's snapshot, oldest first, by the service the backfill command and the beat
    tasks call (the command itself would take the wall clock's now, after the data's end).
    Stops at a week that passes the statement timeout or when the time budget is spent."""
    from metrics.services import weekly_snapshot_compute

    per_week, stopped = {}, None
    began = time.perf_counter()
    for week in weeks:
        if time.perf_counter() - began > budget:
            stopped = f"time budget of {budget} s spent before {week}"
            break
        try:
            per_week[week] = round(
                _timed(
                    lambda w=week: _limited(
                        lambda: weekly_snapshot_compute(process_id=process.pk, week=w, now=now),
                        timeout,
                    )
                )[0],
                2,
            )
        except TimedOut:
            stopped = f"{week} passed the statement timeout of {timeout} s"
            break
    seconds = time.perf_counter() - began
    return {
        "weeks": len(weeks),
        "weeks_computed": len(per_week),
        "finished": stopped is None,
        "stopped": stopped,
        "seconds": round(seconds, 1),
        "seconds_per_week": round(seconds / max(1, len(per_week)), 2),
        "seconds_by_week": per_week,
    }


def dashboard(*, week: str, manager_id: int) -> dict:
    """The weekly dashboard page as the accountable manager opens it: queries and time."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    url = f"/dashboards/weekly/?process=order-to-cash&week={week}"
    client = Client()
    client.force_login(get_user_model().objects.get(pk=manager_id))
    first = client.get(url)
    if first.status_code != 200:
        return {"url": url, "status": first.status_code, "measured": False}
    runs, queries = [], set()
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            seconds, response = _timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        runs.append(seconds)
        queries.add(len(captured.captured_queries))
    return {
        "url": url,
        "status": 200,
        "measured": True,
        "bytes": len(first.content),
        "queries": sorted(queries),
        "seconds_median": round(statistics.median(runs), 4),
        "seconds_runs": [round(r, 4) for r in runs],
    }


def snapshots_delete() -> None:
    from django.db import connection

    from metrics.models import WeeklySnapshot

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {WeeklySnapshot._meta.db_table} RESTART IDENTITY CASCADE")


def measure_scale(
    *, n: int, people: dict, weeks: list[str], start, now, week: str, timeout: int, budget: int
) -> dict:
    from processes.models import Process

    process = Process.objects.get(pk=people["process_id"])
    cards_delete()
    snapshots_delete()
    print(f"\n{n:,} cards over {len(weeks)} weeks: generating...", flush=True)
    seconds, steps = _timed(
        lambda: cards_generate(n=n, start=start, end=now, now=now, people=people)
    )
    mix = data_mix()
    print(
        f"  generated in {seconds:.0f} s: {mix['cards']:,} cards ({mix['closed']:,} closed,"
        f" {mix['lost']:,} lost, {mix['open']:,} open), {mix['events']:,} events"
        f" ({mix['events_per_card']} per card)",
        flush=True,
    )
    print(f"  backfilling {weeks[0]} .. {weeks[-1]}...", flush=True)
    filled = backfill(process=process, weeks=weeks, now=now, timeout=timeout, budget=budget)
    print(
        f"  backfill: {filled['weeks_computed']} weeks in {filled['seconds']:.0f} s,"
        f" {filled['seconds_per_week']:.2f} s a week"
        + (f"; STOPPED: {filled['stopped']}" if filled["stopped"] else ""),
        flush=True,
    )
    compared = compare_week(process=process, week=week, now=now, timeout=timeout)
    if compared["app_seconds_median"] is None:
        print(
            f"  {week}: weekly_flow_metrics over {timeout} s (stopped), floor"
            f" {compared['floor_seconds_median']:.2f} s: ratio over {compared['ratio_over']}",
            flush=True,
        )
    else:
        print(
            f"  {week}: weekly_flow_metrics {compared['app_seconds_median']:.2f} s, floor"
            f" {compared['floor_seconds_median']:.2f} s, ratio"
            f" {compared['ratio_app_over_floor']:.2f}"
            f" ({compared['figures_compared']} figures equal)",
            flush=True,
        )
    page = dashboard(week=week, manager_id=people["manager_id"])
    if page["measured"]:
        print(
            f"  dashboard: {page['queries']} queries, {page['seconds_median'] * 1000:.0f} ms",
            flush=True,
        )
    else:
        print(f"  dashboard: {page['url']} answered {page['status']}", flush=True)
    return {
        "cards": n,
        "generate_seconds": round(seconds, 1),
        "generate_steps_seconds": steps,
        "mix": mix,
        "backfill": filled,
        "week": compared,
        "dashboard": page,
    }


def report_table(report: dict) -> str:
    small, big = report["scales"]
    table = common.ScaleTable(small, big, size="cards")
    row = table.row

    row("events", lambda s: s["mix"]["events"], "{:,}")
    row("generated in (s)", lambda s: s["generate_seconds"], "{:.0f}")
    row("backfill: weeks computed", lambda s: s["backfill"]["weeks_computed"], ratio=False)
    row("backfill: time (s)", lambda s: s["backfill"]["seconds"], "{:.0f}")
    row("  per week (s)", lambda s: s["backfill"]["seconds_per_week"], "{:.2f}")
    row(
        "one week: weekly_flow_metrics (s)",
        lambda s: s["week"]["app_seconds_median"] or f"> {s['week']['timeout_seconds']}",
        "{:.2f}",
    )
    row("one week: the floor, one SQL (s)", lambda s: s["week"]["floor_seconds_median"], "{:.2f}")
    row(
        f"  ratio app / floor (max {MAX_RATIO:g})",
        lambda s: s["week"]["ratio_app_over_floor"] or f"> {s['week'].get('ratio_over')}",
        "{:.2f}",
        ratio=False,
    )
    row("  figures compared, all equal", lambda s: s["week"]["figures_compared"], ratio=False)
    if small["dashboard"]["measured"] and big["dashboard"]["measured"]:
        row(
            "dashboard: SQL queries",
            lambda s: "/".join(map(str, s["dashboard"]["queries"])),
            ratio=False,
        )
        row(
            "dashboard: time (ms, median)",
            lambda s: 1000 * s["dashboard"]["seconds_median"],
            "{:.1f}",
        )
    return table.text()


def main() -> None:
    global RUNS
    parser = common.arguments(__doc__, database_url=DEFAULT_DATABASE_URL, results=RESULTS)
    parser.add_argument("--cards", type=int, default=1_000_000, help="cards (default 1000000)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also write EXPLAIN ANALYZE of both statements (always done when the ratio fails)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=300,
        help="statement timeout in seconds for the app's computation of one week (default 300)",
    )
    parser.add_argument(
        "--backfill-budget",
        type=int,
        default=3600,
        help="seconds after which the backfill stops computing further weeks (default 3600; "
        "the 52 weeks at 1,000,000 cards take about 30 minutes on 2 CPUs)",
    )
    parser.add_argument(
        "--runs", type=int, default=RUNS, help=f"timed runs per median (default {RUNS})"
    )
    args = parser.parse_args()
    if args.cards < 1000:
        parser.error("--cards must be at least 1000")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the floor is PostgreSQL SQL (percentile_cont, jsonb): give a PostgreSQL URL")

    RUNS = args.runs
    started = time.perf_counter()
    common.database_ready(args.database_url, django_start)
    from processes.models import Process

    people = people_create()
    process = Process.objects.get(pk=people["process_id"])
    tz = ZoneInfo(_zone_name(process))
    weeks = weeks_of_year(datetime.now(UTC), tz)
    # The data ends where the current week begins: every measured week is complete.
    start, now = _week_start(weeks[0], tz), _week_start(weeks[-1], tz) + timedelta(weeks=1)
    week = weeks[len(weeks) // 2]
    scales = [
        measure_scale(
            n=n,
            people=people,
            weeks=weeks,
            start=start,
            now=now,
            week=week,
            timeout=args.timeout,
            budget=args.backfill_budget,
        )
        for n in (args.cards // 10, args.cards)
    ]
    small, big = scales
    passed = big["week"]["pass"]
    report = {
        "benchmark": "weekly_metrics",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cards": args.cards,
        "weeks": [weeks[0], weeks[-1]],
        "measured_week": week,
        "data_end": now.isoformat(),
        "runs_per_median": RUNS,
        "session_settings": {"jit": "off"},
        "machine": common.machine(),
        "code": common.code_version(),
        "scales": scales,
        "acceptance": {
            "ratio_app_over_floor": big["week"]["ratio_app_over_floor"],
            "ratio_over_if_stopped": big["week"].get("ratio_over"),
            "backfill_finished": small["backfill"]["finished"] and big["backfill"]["finished"],
            "max_ratio": MAX_RATIO,
            "ratio_pass": passed,
            "dashboard_same_queries": (
                small["dashboard"].get("queries") == big["dashboard"].get("queries")
                if small["dashboard"]["measured"] and big["dashboard"]["measured"]
                else None
            ),
            "dashboard_time_ratio_n_over_n10": (
                round(big["dashboard"]["seconds_median"] / small["dashboard"]["seconds_median"], 2)
                if small["dashboard"]["measured"] and big["dashboard"]["measured"]
                else None
            ),
        },
    }
    if args.explain or not passed:
        plans = explain(process=process, week=week, now=now)
        plans_path = args.output.with_name(args.output.stem + "_explain.json")
        plans_path.write_text(json.dumps(plans, indent=1) + "\n")
        inside = plans_path.is_relative_to(common.ROOT)
        report["explain"] = str(plans_path.relative_to(common.ROOT) if inside else plans_path)
    report["total_run_seconds"] = round(time.perf_counter() - started, 1)
    common.report_write(report, args.output)
    details = f"week {week}, median of {RUNS}"
    print(common.report_heading(report, "Weekly flow metrics", details))
    print(report_table(report))
    verdict = "PASS" if passed else "FAIL"
    ratio = big["week"]["ratio_app_over_floor"]
    ratio_text = f"{ratio:.2f}x" if ratio else f"over {big['week']['ratio_over']}x"
    print(
        f"\n{verdict}: weekly_flow_metrics takes {ratio_text} the floor's time at"
        f" {args.cards:,} cards (at most {MAX_RATIO:g}x)."
    )
    print(f"Whole run {report['total_run_seconds']:.0f} s. Written to {args.output}")
    if not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
