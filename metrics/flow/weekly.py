"""One week's flow figures of a process: the statement built, run, and its rows assembled."""

from __future__ import annotations

from datetime import datetime

from metrics.flow.assemble import assemble
from metrics.flow.context import query_params, run, week_context
from metrics.flow.handoffs import handoff_wait_figures
from metrics.flow.sql import ctes, dialect, figures


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
     "sla": {"breaches": n, "visits_ended": n, "ended_late": n, "on_time_share": f,
             "by_status": {status: {"visits": n, "ended_late": n, "breaches": n}}},
         # breaches: deadlines passed in the week (moved or not); visits: ended in the week
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
     "handoff_wait": {"by_status": {status: {"count": n, "p50": d, "p85": d}}},
         # waits for pick-up of cards handed to a stage role, ended in the week (handoffs.py)
     "labels": {"statuses": [[slug, name, final]], "channels": {slug: name},
                "block_reasons": {slug: name}}}
    """
    ctx = week_context(process=process, week=week, now=now)
    d, n = dialect(), len(ctx.statuses)
    sql = f"WITH {ctes(d, n)}\n" + "\nUNION ALL\n".join(figures(d, n))
    figures_ = assemble(ctx, run(sql, query_params(ctx)))
    figures_["handoff_wait"] = handoff_wait_figures(
        process_id=process.pk, start=ctx.start, end=ctx.as_of
    )
    return figures_
