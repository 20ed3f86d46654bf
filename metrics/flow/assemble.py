"""The statement's long rows (metric, dimension, ref, value, extra) filed into the figures' dict,
one small function per family of figures. No query here but the labels' block reasons."""

from __future__ import annotations

from datetime import timedelta

from metrics.flow.context import WeekContext
from metrics.flow.definitions import (
    PERCENTILES,
    REPEAT_CLIENTS_SHOWN,
    REPEAT_WINDOW_DAYS,
    TRAILING_WEEKS,
    days,
    percent,
    share,
)
from metrics.weeks import day_ends, process_zone
from processes.models import BlockReason, Channel

NOWHERE = 99  # the sort position of a status the process no longer has: after the others


class Rows:
    """The rows of one statement, by metric."""

    def __init__(self, rows: list[tuple]):
        self.by: dict[str, list[tuple]] = {}
        for metric, dim, ref, value, extra in rows:
            self.by.setdefault(metric, []).append((dim, ref, value, extra))
        self.percentiles = {(dim, int(ref)): value for dim, ref, value, _ in self.of("pct")}
        self.sizes = self.counts("count")

    def of(self, metric: str) -> list[tuple]:
        """(dim, ref, value, extra) of each row of the metric."""
        return self.by.get(metric, [])

    def one(self, metric: str) -> tuple:
        """The metric's single row, or zeros if the statement gave none."""
        return (self.of(metric) or [("", 0, 0, 0)])[0]

    def counts(self, metric: str) -> dict[str, int]:
        return {dim: int(value) for dim, _, value, _ in self.of(metric)}

    def spread(self, sample: str) -> dict:
        """Size and percentiles of a sample of times (cycle_week, lead_12w, age ...)."""
        return {
            "count": self.sizes.get(sample, 0),
            **{f"p{p}": days(self.percentiles.get((sample, p))) for p in PERCENTILES},
        }


def assemble(ctx: WeekContext, rows: list[tuple]) -> dict:
    r = Rows(rows)
    aging = _aging_wip(r, ctx.order)
    return {
        "process": ctx.process.slug,
        "week": ctx.week,
        "week_start": ctx.start.isoformat(),
        "week_end": ctx.end.isoformat(),
        "as_of": ctx.as_of.isoformat(),
        "complete": ctx.complete,
        "intake": _intake(r),
        "throughput": _throughput(r, ctx.lost),
        "wip": {
            "total": sum(a["count"] for a in aging.values()),
            "by_status": {s: a["count"] for s, a in aging.items()},
        },
        "work_item_age": r.spread("age"),
        "aging_wip": aging,
        "cycle_time": _cycle_time(r, ctx),
        "lead_time": {"week": r.spread("lead_week"), "trailing_12_weeks": r.spread("lead_12w")},
        "time_in_status": _time_in_status(r, ctx.order),
        "flow_efficiency": _flow_efficiency(r),
        "blocked": _blocked(r),
        "sla": _sla(r, ctx.order),
        "ownership": _ownership(r),
        "conversion": _conversion(r, ctx.order),
        "win_rate": _win_rate(r),
        "margin": _margin(r, ctx.floor),
        "repeat_requests": _repeat_requests(r),
        "cumulative_flow": _cumulative_flow(r, ctx),
        "labels": {
            "statuses": [list(s) for s in ctx.statuses],
            "channels": dict(Channel.choices),
            "block_reasons": dict(
                BlockReason.objects.filter(process=ctx.process).values_list("slug", "name")
            ),
        },
    }


def _position(order: list[str]):
    """Sort key of a status slug: its place in the process."""
    return lambda slug: order.index(slug) if slug in order else NOWHERE


def _intake(r: Rows) -> dict:
    intake = r.counts("intake")
    return {"total": sum(intake.values()), "by_channel": dict(sorted(intake.items()))}


def _throughput(r: Rows, lost_status: str) -> dict:
    throughput = r.counts("throughput")
    total, lost = sum(throughput.values()), throughput.get(lost_status, 0)
    return {
        "total": total,
        "closed": total - lost,
        "lost": lost,
        "by_status": dict(sorted(throughput.items())),
    }


def _aging_wip(r: Rows, order: list[str]) -> dict:
    wip = r.counts("wip")
    aging = {
        status: {"count": wip[status], "cards": []} for status in sorted(wip, key=_position(order))
    }
    for status, card, age, _ in sorted(r.of("aging_card"), key=lambda row: (row[2], row[1])):
        aging[status]["cards"].append({"card": card, "age_days": days(age)})
    return aging


def _cycle_time(r: Rows, ctx: WeekContext) -> dict:
    points = [
        {
            "card": card,
            "days": days(cycle),
            "finished_at": (ctx.start + timedelta(seconds=round(float(offset)))).isoformat(),
            "status": status,
        }
        for status, card, cycle, offset in sorted(r.of("cycle_point"), key=lambda row: row[1])
    ]
    return {
        "week": r.spread("cycle_week"),
        "trailing_12_weeks": r.spread("cycle_12w"),
        "points": points,
    }


def _time_in_status(r: Rows, order: list[str]) -> dict:
    tis = {
        status: {
            "cards": int(cards),
            "total_days": days(total),
            "mean_days": days(float(total) / int(cards)),
        }
        for status, cards, total, _ in r.of("time_in_status")
    }
    return {s: tis[s] for s in order if s in tis}


def _flow_efficiency(r: Rows) -> dict:
    _, cards, cycle, blocked = r.one("flow_efficiency")
    cycle, blocked = float(cycle or 0), float(blocked or 0)
    return {
        "share": share(cycle - blocked, cycle),
        "cycle_days": days(cycle),
        "blocked_days": days(blocked),
        "cards": int(cards),
    }


def _blocked(r: Rows) -> dict:
    exact = sorted(
        ((reason, int(cards), float(total)) for reason, cards, total, _ in r.of("blocked")),
        key=lambda row: (-row[2], row[0]),
    )
    _, cards, _, _ = r.one("blocked_cards")
    return {
        "cards": int(cards),
        # The total of the exact times, rounded once.
        "days": days(sum(total for _, _, total in exact)),
        "reasons": [
            {"reason": reason, "cards": n, "days": days(total)} for reason, n, total in exact
        ],
    }


def _sla(r: Rows, order: list[str]) -> dict:
    """Breaches: deadlines that passed in the week, of visits open or ended. Visits ended: the
    visits with an SLA that ended in the week, and how many of them ended late (on-time share)."""
    by: dict[str, dict] = {}
    for status, visits, late, _ in r.of("sla"):
        by.setdefault(status, {"visits": 0, "ended_late": 0, "breaches": 0})
        by[status].update(visits=int(visits), ended_late=int(late))
    for status, _, breaches, _ in r.of("sla_due"):
        by.setdefault(status, {"visits": 0, "ended_late": 0, "breaches": 0})
        by[status]["breaches"] = int(breaches)
    visits = sum(v["visits"] for v in by.values())
    late = sum(v["ended_late"] for v in by.values())
    return {
        "breaches": sum(v["breaches"] for v in by.values()),
        "visits_ended": visits,
        "ended_late": late,
        "on_time_share": share(visits - late, visits),
        "by_status": {s: by[s] for s in sorted(by, key=_position(order))},
    }


def _ownership(r: Rows) -> dict:
    # value: the open cards in a status, extra: those without a responsible person
    open_total = sum(int(n) for _, _, n, _ in r.of("open"))
    unassigned = sum(int(u) for _, _, _, u in r.of("open"))
    return {
        "open": open_total,
        "unassigned": unassigned,
        "unassigned_share": share(unassigned, open_total),
    }


def _conversion(r: Rows, order: list[str]) -> dict:
    (cohort,) = [int(value) for _, _, value, _ in r.of("cohort")] or [0]
    position = _position(order)
    by_status = {
        status: {"cards": n, "share": share(n, cohort)}
        for status, n in sorted(r.counts("conversion").items(), key=lambda kv: position(kv[0]))
        if n  # a status nobody reached is left out, as in a grouped count
    }
    return {"window_weeks": TRAILING_WEEKS, "cohort": cohort, "by_status": by_status}


def _win_rate(r: Rows) -> dict:
    by_channel = {}
    for channel, _, finished, lost in r.of("finished_by_channel"):
        finished, lost = int(finished), int(lost)
        by_channel[channel] = {
            "closed": finished - lost,
            "lost": lost,
            "rate": share(finished - lost, finished),
        }
    closed = sum(w["closed"] for w in by_channel.values())
    lost = sum(w["lost"] for w in by_channel.values())
    return {
        "closed": closed,
        "lost": lost,
        "rate": share(closed, closed + lost),
        "by_channel": dict(sorted(by_channel.items())),
    }


def _margin(r: Rows, floor: float) -> dict:
    # Exact channel averages (the SQL does not round); each is rounded only when shown, and
    # the overall averages are the exact sums over the exact counts.
    exact: dict[str, dict] = {}
    for channel, agreed, avg_margin, with_margin in r.of("margin"):
        exact[channel] = {
            "agreed": int(agreed),
            "with_margin": int(with_margin),
            "margin": None if avg_margin is None else float(avg_margin),
        }
    for channel, under, avg_discount, _ in r.of("discount"):
        exact[channel].update(under_floor=int(under), discount=float(avg_discount))

    def overall(field: str, weight: str) -> float | None:
        known = [m for m in exact.values() if m[field] is not None and m[weight]]
        count = sum(m[weight] for m in known)
        return percent(sum(m[field] * m[weight] for m in known) / count) if count else None

    return {
        "floor_percent": floor,
        "agreed": sum(m["agreed"] for m in exact.values()),
        "with_margin": sum(m["with_margin"] for m in exact.values()),
        "under_floor": sum(m["under_floor"] for m in exact.values()),
        "average_margin_percent": overall("margin", "with_margin"),
        "average_discount_percent": overall("discount", "agreed"),
        "by_channel": {
            channel: {
                "agreed": m["agreed"],
                "with_margin": m["with_margin"],
                "average_margin_percent": percent(m["margin"]),
                "under_floor": m["under_floor"],
                "average_discount_percent": percent(m["discount"]),
            }
            for channel, m in sorted(exact.items())
        },
    }


def _repeat_requests(r: Rows) -> dict:
    repeat = sorted(
        (
            {"client": client, "name": name, "cards": int(n)}
            for name, client, n, _ in r.of("repeat_client")
        ),
        key=lambda c: (-c["cards"], c["name"]),
    )
    return {
        "window_days": REPEAT_WINDOW_DAYS,
        "clients": len(repeat),
        "cards": sum(c["cards"] for c in repeat),
        "top": repeat[:REPEAT_CLIENTS_SHOWN],
    }


def _cumulative_flow(r: Rows, ctx: WeekContext) -> dict:
    """Per day of the week, the cards that reached each status by its end (None: the future).
    The rows count arrivals per day bucket: 0 before the week, 1..7 its days, 8 after."""
    buckets: dict[str, dict[int, int]] = {}
    for status, bucket, n, _ in r.of("cfd"):
        line = buckets.setdefault(status, {})  # the walk adds a second row to bucket 0
        line[int(bucket)] = line.get(int(bucket), 0) + int(n)
    ends = day_ends(ctx.process, ctx.start)
    day_starts = [ctx.start, *ends[:-1]]
    order = ctx.order
    by_status = {}
    for status in [s for s in order if s in buckets] + [s for s in buckets if s not in order]:
        running, line = buckets[status].get(0, 0), []
        for k in range(1, 8):
            running += buckets[status].get(k, 0)
            line.append(running if day_starts[k - 1] < ctx.as_of else None)
        by_status[status] = line
    monday = ctx.start.astimezone(process_zone(ctx.process)).date()
    return {
        "days": [(monday + timedelta(days=k)).isoformat() for k in range(7)],
        "by_status": by_status,
    }
