"""Flow metrics of a process for one ISO week, computed from the event history in the database.

The definitions (DESIGN.md section 4, after the Kanban Guide and Vacanti) are fixed here once;
the weekly dashboard shows `DEFINITIONS`:

- Points. A card is *created* at its `created` event, *started* at its first transition out of
  the process's first status, *finished* at its last transition into a final status (a card
  reopened and finished again finishes at the last one). A week is an ISO week in the process
  calendar's time zone; an event belongs to the week its timestamp falls in.
- Every figure is "as of" the week's end, or `now` for the week in progress.

How it is computed: one SQL statement per week. One pass over the process's events
(`GROUP BY card`) folds them into a row per card: its points, the first and last time it reached
each status (so its status at the end, the conversion and the cumulative flow), its responsible
person; block intervals pair each block with the next unblock (`LEAD`), and the status visits
of the cards finished in the week come back through the event index. Each figure is one
`SELECT ... GROUP BY` over those rows; the figures come back as long rows
(metric, dimension, ref, value, extra) glued with UNION ALL, and Python only files those rows
into a dict. Percentiles interpolate linearly between the two nearest ranks, the same as
PostgreSQL's `percentile_cont` and numpy's default, with window functions (`ROW_NUMBER`,
`COUNT OVER`) and integer arithmetic, so that PostgreSQL and SQLite run the same text. The SQL
lives in metrics/flow_sql.py; the few vendor differences (seconds between two instants, reading
JSON) are its `Dialect`. Week arithmetic is in metrics/weeks.py.

The same expressions give "the cards behind a number" (`cards_behind`), so that every figure on
the dashboard links to exactly the cards it counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from metrics.flow_sql import MEMBERS, PERCENTILES, ctes, dialect, figures
from metrics.weeks import (  # noqa: F401 (the entry points are named metrics.flow.*)
    day_ends,
    iso_week_bounds,
    last_complete_week,
    parse_week,
    process_zone,
    week_of,
    week_shift,
)
from processes.errors import InvalidInput

TRAILING_WEEKS = 12  # cycle and lead time over a trailing window; the conversion cohort
REPEAT_WINDOW_DAYS = 30
DEFAULT_MARGIN_FLOOR_PERCENT = 12
# The status whose entry counts as "agreed" for the margin figures, and the final status that
# is a loss (every other final status is a win).
AGREED_STATUS = "agreed"
LOST_STATUS = "lost"
# Clients with repeat requests listed in a snapshot (bounded, like the samples of flow_sql).
REPEAT_CLIENTS_SHOWN = 20

DEFINITIONS = [
    (
        "Points",
        "A card is created at its created event, started at its first transition out of the "
        "process's first status, and finished at its last transition into a final status "
        "(closed or lost). Weeks are ISO weeks in the process calendar's time zone; figures "
        "are as of the end of the week (or now, for the week in progress).",
    ),
    ("Intake", "Cards created in the week, in total and by channel."),
    ("Throughput", "Cards finished in the week, split closed and lost."),
    ("WIP", "Cards started and not finished at the end of the week, by status."),
    (
        "Work item age",
        "For an open started card: the end of the week (or now) minus the moment it started, "
        "over the whole workflow, not the current status. Aging WIP shows the open cards by "
        "status and age.",
    ),
    (
        "Cycle time / lead time",
        "Finished minus started / finished minus created, in calendar days, for the cards "
        "finished in the week and over the trailing 12 weeks: the 50th, 85th and 95th "
        "percentiles by linear interpolation. A card lost straight from the first status "
        "started and finished at the same moment (cycle time 0).",
    ),
    (
        "Time in status",
        "For the cards finished in the week: the sum of each card's visits to a status; the "
        "table gives the mean over the cards that visited it.",
    ),
    (
        "Flow efficiency",
        "For the cards finished in the week: total (cycle time minus blocked time) divided by "
        "total cycle time.",
    ),
    (
        "Blocked",
        "Cards blocked at any time in the week, the blocked time inside the week, and the "
        "reasons ranked by that time.",
    ),
    (
        "SLA",
        "Status visits that ended in the week with an SLA: breaches by the status left, and "
        "the on-time share (visits not breached / visits with an SLA).",
    ),
    (
        "Ownership",
        "Share of the open cards at the end of the week (started or not) without a "
        "responsible person.",
    ),
    (
        "Conversion",
        "Of the cards created in the trailing 12 weeks, the share that reached each status "
        "by the end of the week.",
    ),
    (
        "Win rate",
        "Among the cards finished in the week, by channel: closed / (closed + lost).",
    ),
    (
        "Margin",
        "Cards that entered agreed in the week, by channel: average margin "
        "((net - cost) / net, net = price less the discount, from the card's line items) and "
        "discount, and the cards under the process's margin floor.",
    ),
    ("Repeat requests", "Clients with two or more cards created within the trailing 30 days."),
    (
        "Cumulative flow",
        "For each day, the number of cards that have reached each status at least once "
        "(lines never go down).",
    ),
]


def margin_floor_percent(process) -> float:
    """The margin under which an agreed card counts as under the floor: the process's active
    exception rule on the margin (`margin_percent < N` needs an approval; the highest N if there
    are levels), else the default. The one lookup, so the dashboard and approvals agree."""
    from processes.approvals import ExceptionRule

    thresholds = ExceptionRule.objects.filter(
        process_id=process.pk, is_active=True, field="margin_percent", operator__in=["<", "<="]
    ).values_list("threshold", flat=True)
    floors = [float(t) for t in thresholds]
    return max(floors) if floors else float(DEFAULT_MARGIN_FLOOR_PERCENT)


@dataclass(frozen=True)
class WeekContext:
    process: object
    week: str
    start: datetime
    end: datetime
    as_of: datetime
    statuses: list  # [(slug, name, final)] in process order
    floor: float

    @property
    def complete(self) -> bool:
        return self.as_of >= self.end


def week_context(*, process, week: str, now: datetime | None = None) -> WeekContext:
    from processes.models import Status

    start, end = iso_week_bounds(process, week)
    now = now or timezone.now()
    if start >= now:
        raise InvalidInput({"week": [f"{week} has not started yet."]})
    statuses = list(
        Status.objects.filter(process=process)
        .order_by("order", "id")
        .values_list("slug", "name", "final")
    )
    if not statuses:
        raise InvalidInput(
            {"process": [f"{process.name} has no statuses yet: nothing to measure."]}
        )
    return WeekContext(
        process=process,
        week=week,
        start=start,
        end=end,
        as_of=min(end, now),
        statuses=statuses,
        floor=margin_floor_percent(process),
    )


def _params(ctx: WeekContext) -> dict:
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "process": ctx.process.pk,
        "first": ctx.statuses[0][0] if ctx.statuses else "",
        "start": adapt(ctx.start),
        "asof": adapt(ctx.as_of),
        "trail_start": adapt(ctx.end - timedelta(weeks=TRAILING_WEEKS)),
        "repeat_start": adapt(ctx.end - timedelta(days=REPEAT_WINDOW_DAYS)),
        "agreed": AGREED_STATUS,
        "lost": LOST_STATUS,
        "floor": ctx.floor,
    }
    for k, day_end in enumerate(day_ends(ctx.process, ctx.start), start=1):
        params[f"day{k}"] = adapt(day_end)
    for k, (slug, _, _) in enumerate(ctx.statuses):
        params[f"s{k}"] = slug
    return params


def _run(sql: str, params: dict) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On large data the statement's cost invites the JIT, which then spends longer
            # compiling this many expressions than the scan itself takes; for this transaction only.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def cards_behind(
    *, process, week: str, metric: str, key: str | None = None, now: datetime | None = None
) -> list[int]:
    """The ids of the cards a figure counts (e.g. metric "intake", key "email"), in one query."""
    if metric not in MEMBERS:
        raise InvalidInput({"metric": [f"Choose one of: {', '.join(sorted(MEMBERS))}."]})
    ctx = week_context(process=process, week=week, now=now)
    select, key_column = MEMBERS[metric]
    params = _params(ctx)
    slugs = [slug for slug, _, _ in ctx.statuses]
    if key_column == "{reach}":
        if key not in slugs:
            return []  # a status this process does not have: no card reached it
        select += f" AND reach_{slugs.index(key)} IS NOT NULL"
    elif key:
        select += f" AND {key_column} = %(key)s"
        params["key"] = key
    sql = f"WITH {ctes(dialect(), len(slugs))}\nSELECT DISTINCT card_id FROM ({select}) m"
    return [row[0] for row in _run(sql + " ORDER BY card_id", params)]


# ---------------------------------------------------------------------------------------------
# The figures


def _days(value) -> float | None:
    return None if value is None else round(float(value), 4)


def _share(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def weekly_flow_metrics(*, process, week: str, now: datetime | None = None) -> dict:
    """One week's flow figures of a process, computed in one set-based SQL statement. Pure read.

    Times are in days (floats, 4 decimals); shares are fractions 0..1 (None when nothing to
    divide); status, channel and reason keys are slugs, named in "labels". The shape:

    {"process": "order-to-cash", "week": "2026-W47", "week_start": iso, "week_end": iso,
     "as_of": iso, "complete": bool,
     "intake": {"total": n, "by_channel": {channel: n}},
     "throughput": {"total": n, "closed": n, "lost": n, "by_status": {final status: n}},
     "wip": {"total": n, "by_status": {status: n}},
     "work_item_age": {"count": n, "p50": d, "p85": d, "p95": d},
     "aging_wip": {status: {"count": n, "cards": [{"card": id, "age_days": d}]}},
         # cards: up to 40 per status, spread evenly by age, always the oldest
     "cycle_time": {"week": {"count": n, "p50": d, "p85": d, "p95": d},
                    "trailing_12_weeks": {...same...},
                    "points": [{"card": id, "days": d, "finished_at": iso, "status": s}]},
                    # points: up to 300, spread evenly by cycle time, always the longest
     "lead_time": {"week": {...}, "trailing_12_weeks": {...}},
     "time_in_status": {status: {"cards": n, "total_days": d, "mean_days": d}},
     "flow_efficiency": {"share": f, "cycle_days": d, "blocked_days": d, "cards": n},
     "blocked": {"cards": n, "days": d,
                 "reasons": [{"reason": slug, "cards": n, "days": d}]},  # ranked by days
     "sla": {"visits_ended": n, "breaches": n, "on_time_share": f,
             "by_status": {status: {"visits": n, "breaches": n}}},
     "ownership": {"open": n, "unassigned": n, "unassigned_share": f},
     "conversion": {"window_weeks": 12, "cohort": n, "by_status": {status: {"cards": n,
                    "share": f}}},
     "win_rate": {"closed": n, "lost": n, "rate": f,
                  "by_channel": {channel: {"closed": n, "lost": n, "rate": f}}},
     "margin": {"floor_percent": x, "agreed": n, "under_floor": n, "average_margin_percent": x,
                "average_discount_percent": x,
                "by_channel": {channel: {"agreed": n, "under_floor": n,
                               "average_margin_percent": x, "average_discount_percent": x}}},
     "repeat_requests": {"window_days": 30, "clients": n, "cards": n,
                         "top": [{"client": id, "name": s, "cards": n}]},
     "cumulative_flow": {"days": [iso date x7], "by_status": {status: [n or None x7]}},
     "labels": {"statuses": [[slug, name, final]], "channels": {slug: name},
                "block_reasons": {slug: name}}}
    """
    ctx = week_context(process=process, week=week, now=now)
    d, n = dialect(), len(ctx.statuses)
    sql = f"WITH {ctes(d, n)}\n" + "\nUNION ALL\n".join(figures(d, n))
    rows = _run(sql, _params(ctx))
    return _assemble(ctx, rows)


def _assemble(ctx: WeekContext, rows: list[tuple]) -> dict:
    from processes.models import BlockReason, Channel

    by: dict[str, list[tuple]] = {}
    for metric, dim, ref, value, extra in rows:
        by.setdefault(metric, []).append((dim, ref, value, extra))

    def counts(metric):
        return {dim: int(value) for dim, _, value, _ in by.get(metric, [])}

    pct = {(dim, int(ref)): value for dim, ref, value, _ in by.get("pct", [])}
    sizes = counts("count")

    def spread(sample):
        return {
            "count": sizes.get(sample, 0),
            **{f"p{p}": _days(pct.get((sample, p))) for p in PERCENTILES},
        }

    intake = counts("intake")
    throughput = counts("throughput")
    lost = throughput.get(LOST_STATUS, 0)
    wip = counts("wip")
    order = [slug for slug, _, _ in ctx.statuses]
    aging = {
        status: {"count": wip[status], "cards": []}
        for status in sorted(wip, key=lambda s: order.index(s) if s in order else 99)
    }
    for status, card, age, _ in sorted(by.get("aging_card", []), key=lambda r: (r[2], r[1])):
        aging[status]["cards"].append({"card": card, "age_days": _days(age)})
    points = [
        {
            "card": card,
            "days": _days(days),
            "finished_at": (ctx.start + timedelta(seconds=round(float(offset)))).isoformat(),
            "status": status,
        }
        for status, card, days, offset in sorted(by.get("cycle_point", []), key=lambda r: r[1])
    ]
    tis = {}
    for status, cards, total, _ in by.get("time_in_status", []):
        tis[status] = {
            "cards": int(cards),
            "total_days": _days(total),
            "mean_days": _days(float(total) / int(cards)),
        }
    (_, fe_cards, fe_cycle, fe_blocked), *_ = by.get("flow_efficiency") or [("", 0, 0, 0)]
    fe_cycle, fe_blocked = float(fe_cycle or 0), float(fe_blocked or 0)
    reasons = sorted(
        (
            {"reason": reason, "cards": int(cards), "days": _days(total)}
            for reason, cards, total, _ in by.get("blocked", [])
        ),
        key=lambda r: (-r["days"], r["reason"]),
    )
    ((_, blocked_cards, _, _),) = by.get("blocked_cards") or [("", 0, 0, 0)]
    sla_by = {
        status: {"visits": int(visits), "breaches": int(breaches)}
        for status, visits, breaches, _ in by.get("sla", [])
    }
    visits = sum(v["visits"] for v in sla_by.values())
    breaches = sum(v["breaches"] for v in sla_by.values())
    open_by = {status: (int(n), int(unassigned)) for status, _, n, unassigned in by.get("open", [])}
    open_total = sum(n for n, _ in open_by.values())
    unassigned = sum(u for _, u in open_by.values())
    (cohort,) = [int(value) for _, _, value, _ in by.get("cohort", [])] or [0]
    conversion = {
        status: {"cards": n, "share": _share(n, cohort)}
        for status, n in sorted(
            counts("conversion").items(),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else 99,
        )
        if n  # a status nobody reached is left out, as in a grouped count
    }
    win_by = {}
    for channel, _, finished, lost_n in by.get("finished_by_channel", []):
        finished, lost_n = int(finished), int(lost_n)
        win_by[channel] = {
            "closed": finished - lost_n,
            "lost": lost_n,
            "rate": _share(finished - lost_n, finished),
        }
    margin_by = {}
    for channel, agreed, avg_margin, with_margin in by.get("margin", []):
        margin_by[channel] = {
            "agreed": int(agreed),
            "with_margin": int(with_margin),
            "average_margin_percent": None if avg_margin is None else round(float(avg_margin), 2),
        }
    for channel, under, avg_discount, _ in by.get("discount", []):
        margin_by[channel]["under_floor"] = int(under)
        margin_by[channel]["average_discount_percent"] = round(float(avg_discount), 2)
    agreed_total = sum(m["agreed"] for m in margin_by.values())
    with_margin = sum(m["with_margin"] for m in margin_by.values())
    repeat = sorted(
        (
            {"client": client, "name": name, "cards": int(n)}
            for name, client, n, _ in by.get("repeat_client", [])
        ),
        key=lambda r: (-r["cards"], r["name"]),
    )
    cfd_rows = {}
    for status, bucket, n, _ in by.get("cfd", []):
        cfd_rows.setdefault(status, {})[int(bucket)] = int(n)
    ends = day_ends(ctx.process, ctx.start)
    zone = process_zone(ctx.process)
    day_starts = [ctx.start, *ends[:-1]]
    cfd = {}
    for status in [s for s in order if s in cfd_rows] + [s for s in cfd_rows if s not in order]:
        buckets, running, line = cfd_rows[status], 0, []
        running = buckets.get(0, 0)
        for k in range(1, 8):
            running += buckets.get(k, 0)
            line.append(running if day_starts[k - 1] < ctx.as_of else None)
        cfd[status] = line

    def weighted(key, field):
        total = sum(
            (m[field] or 0) * m[key] for m in margin_by.values() if m.get(field) is not None
        )
        count = sum(m[key] for m in margin_by.values() if m.get(field) is not None)
        return round(total / count, 2) if count else None

    return {
        "process": ctx.process.slug,
        "week": ctx.week,
        "week_start": ctx.start.isoformat(),
        "week_end": ctx.end.isoformat(),
        "as_of": ctx.as_of.isoformat(),
        "complete": ctx.complete,
        "intake": {"total": sum(intake.values()), "by_channel": dict(sorted(intake.items()))},
        "throughput": {
            "total": sum(throughput.values()),
            "closed": sum(throughput.values()) - lost,
            "lost": lost,
            "by_status": dict(sorted(throughput.items())),
        },
        "wip": {"total": sum(wip.values()), "by_status": {s: a["count"] for s, a in aging.items()}},
        "work_item_age": spread("age"),
        "aging_wip": aging,
        "cycle_time": {
            "week": spread("cycle_week"),
            "trailing_12_weeks": spread("cycle_12w"),
            "points": points,
        },
        "lead_time": {"week": spread("lead_week"), "trailing_12_weeks": spread("lead_12w")},
        "time_in_status": {s: tis[s] for s in order if s in tis},
        "flow_efficiency": {
            "share": _share(fe_cycle - fe_blocked, fe_cycle),
            "cycle_days": _days(fe_cycle),
            "blocked_days": _days(fe_blocked),
            "cards": int(fe_cards),
        },
        "blocked": {
            "cards": int(blocked_cards),
            "days": _days(sum(r["days"] for r in reasons)),
            "reasons": reasons,
        },
        "sla": {
            "visits_ended": visits,
            "breaches": breaches,
            "on_time_share": _share(visits - breaches, visits),
            "by_status": {s: sla_by[s] for s in order if s in sla_by},
        },
        "ownership": {
            "open": open_total,
            "unassigned": unassigned,
            "unassigned_share": _share(unassigned, open_total),
        },
        "conversion": {"window_weeks": TRAILING_WEEKS, "cohort": cohort, "by_status": conversion},
        "win_rate": {
            "closed": sum(w["closed"] for w in win_by.values()),
            "lost": sum(w["lost"] for w in win_by.values()),
            "rate": _share(
                sum(w["closed"] for w in win_by.values()),
                sum(w["closed"] + w["lost"] for w in win_by.values()),
            ),
            "by_channel": dict(sorted(win_by.items())),
        },
        "margin": {
            "floor_percent": ctx.floor,
            "agreed": agreed_total,
            "with_margin": with_margin,
            "under_floor": sum(m["under_floor"] for m in margin_by.values()),
            "average_margin_percent": weighted("with_margin", "average_margin_percent"),
            "average_discount_percent": weighted("agreed", "average_discount_percent"),
            "by_channel": dict(sorted(margin_by.items())),
        },
        "repeat_requests": {
            "window_days": REPEAT_WINDOW_DAYS,
            "clients": len(repeat),
            "cards": sum(r["cards"] for r in repeat),
            "top": repeat[:REPEAT_CLIENTS_SHOWN],
        },
        "cumulative_flow": {
            "days": [
                (ctx.start.astimezone(zone).date() + timedelta(days=k)).isoformat()
                for k in range(7)
            ],  # fmt: skip
            "by_status": cfd,
        },
        "labels": {
            "statuses": [list(s) for s in ctx.statuses],
            "channels": dict(Channel.choices),
            "block_reasons": dict(
                BlockReason.objects.filter(process=ctx.process).values_list("slug", "name")
            ),
        },
    }
