"""The week a computation measures (its bounds, "as of", the process's statuses and margin
floor), the statement's parameters, and running the statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from metrics.flow.definitions import (
    DEFAULT_MARGIN_FLOOR_PERCENT,
    NO_STATUS,
    REPEAT_WINDOW_DAYS,
    TRAILING_WEEKS,
)
from metrics.weeks import day_ends, iso_week_bounds, process_zone, week_shift
from opmodel.errors import InvalidInput
from opmodel.rounding import percent_round
from processes.models import ExceptionRule, Status
from processes.selectors import outcome_statuses


def margin_floor_percent(process) -> float:
    """The margin under which an agreed card counts as under the floor: the process's active
    exception rule on the margin (`margin_percent < N` needs an approval; the highest N if there
    are levels), else the default. The one lookup, so the dashboard and approvals agree."""
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
    agreed: str  # the commitment point's slug: margin and discount are taken on entering it
    lost: str  # the lost final status's slug (the first in process order, if several)

    @property
    def complete(self) -> bool:
        return self.as_of >= self.end

    @property
    def order(self) -> list[str]:
        """The status slugs in process order."""
        return [slug for slug, _, _ in self.statuses]


def week_context(*, process, week: str, now: datetime | None = None) -> WeekContext:
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
    outcomes = outcome_statuses(process)
    return WeekContext(
        process=process,
        week=week,
        start=start,
        end=end,
        as_of=min(end, now),
        statuses=statuses,
        floor=margin_floor_percent(process),
        agreed=outcomes.commitment or NO_STATUS,
        lost=outcomes.lost[0] if outcomes.lost else NO_STATUS,
    )


def trailing_start(ctx: WeekContext) -> datetime:
    """The start of the trailing window: the local Monday 00:00 that begins the first of its
    whole weeks (not 12 x 168 hours back, which across a DST change is 01:00 or 23:00)."""
    first_week = week_shift(ctx.week, -(TRAILING_WEEKS - 1))
    return iso_week_bounds(ctx.process, first_week)[0]


def repeat_start(ctx: WeekContext) -> datetime:
    """The start of the repeat window: local midnight, whole days back from the week's end."""
    zone = process_zone(ctx.process)
    last_day = ctx.end.astimezone(zone).date()
    return datetime.combine(
        last_day - timedelta(days=REPEAT_WINDOW_DAYS), time(0), tzinfo=zone
    ).astimezone(UTC)


def query_params(ctx: WeekContext) -> dict:
    """The statement's parameters: every value from outside the SQL text."""
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "process": ctx.process.pk,
        "first": ctx.statuses[0][0] if ctx.statuses else "",
        "start": adapt(ctx.start),
        "asof": adapt(ctx.as_of),
        "trail_start": adapt(trailing_start(ctx)),
        "repeat_start": adapt(repeat_start(ctx)),
        "agreed": ctx.agreed,
        "lost": ctx.lost,
        "floor": ctx.floor,
        # The floor in hundredths of a percent: margins are compared as shown, at two decimals.
        "floor_h": int(percent_round(ctx.floor) * 100),
    }
    for k, day_end in enumerate(day_ends(ctx.process, ctx.start), start=1):
        params[f"day{k}"] = adapt(day_end)
    for k, (slug, _, _) in enumerate(ctx.statuses):
        params[f"s{k}"] = slug
    return params


def run(sql: str, params: dict) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On large data the statement's cost invites the JIT, which then spends longer
            # compiling this many expressions than the scan itself takes; for this transaction only.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()
