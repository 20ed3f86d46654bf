"""Reads for forecasts and the SLE: a process's finishes and cycle times from its card events, with
the metrics' points (docs/design.md, "Metric definitions"): a card is finished at its last move into
a final status (if it is still in one), started at its first transition out of the process's first
status. Days are local days of the process calendar; working days are its working days."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from django.db.models import Max, Min, Q
from django.utils import timezone

from flow import forecasting
from processes.business_time import WorkingTime
from processes.calendars import working_time_for
from processes.models import EventKind, RequestCard, Status

MOVES = Q(events__kind__in=[EventKind.CREATED, EventKind.TRANSITION])
SLE_PERCENTILE = 85


def local_midnight(wt: WorkingTime, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=wt.tz).astimezone(UTC)


def working_days(wt: WorkingTime, first: date, last: date) -> list[date]:
    """The calendar's working days from `first` to `last`, both included."""
    days, day = [], first
    while day <= last:
        if day.isoweekday() in wt.working_days and day not in wt.holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _finished_cards(process, start: datetime, end: datetime, statuses=None):
    """Cards of the process finished in [start, end), with `finished_at` (and `started_at`);
    with `statuses`, only those finished into one of these final statuses."""
    finals = Status.objects.filter(process=process, final=True).values("slug")
    if statuses is not None:
        finals = finals.filter(slug__in=statuses)
    first = Status.objects.filter(process=process).order_by("order", "id").values("slug")[:1]
    # status_changed_at moves with every status change, so a card whose last move falls in the
    # window changed status in it: the prefilter spares the events of every older finished card
    # (the board asks for the SLE on every load).
    return (
        RequestCard.objects.filter(process=process, status__in=finals, status_changed_at__gte=start)
        .annotate(
            finished_at=Max("events__at", filter=MOVES),
            started_at=Min(
                "events__at",
                filter=Q(events__kind=EventKind.TRANSITION, events__from_status__in=first),
            ),
        )
        .filter(finished_at__gte=start, finished_at__lt=end)
    )


@dataclass(frozen=True)
class Throughput:
    """Finished cards per working day, oldest first, of the local days [first, last]."""

    days: list[date]
    counts: list[int]


def daily_throughput(process, *, first: date, last: date, statuses=None) -> Throughput:
    """One count per working day, zero days kept; finishes on a non-working day (rare: someone
    worked on a holiday) count on the next working day, so no finish is lost."""
    wt = working_time_for(process)
    days = working_days(wt, first, last)
    start, end = local_midnight(wt, first), local_midnight(wt, last + timedelta(days=1))
    per_day = Counter()
    finished = _finished_cards(process, start, end, statuses)
    for finished_at in finished.values_list("finished_at", flat=True):
        local = finished_at.astimezone(wt.tz).date()
        while local <= last and (local.isoweekday() not in wt.working_days or local in wt.holidays):
            local += timedelta(days=1)
        per_day[local] += 1
    return Throughput(days, [per_day.get(day, 0) for day in days])


def history_window(process, *, now: datetime, window_days: int) -> tuple[date, date]:
    """The sample's local days: the `window_days` whole days before today (today is not over,
    so its count would drag the sample down)."""
    today = now.astimezone(working_time_for(process).tz).date()
    return today - timedelta(days=window_days), today - timedelta(days=1)


def open_cards(process) -> int:
    finals = Status.objects.filter(process=process, final=True).values("slug")
    return RequestCard.objects.filter(process=process).exclude(status__in=finals).count()


@dataclass(frozen=True)
class ServiceLevel:
    percentile: int
    days: float | None  # cycle time in calendar days, 1 decimal; None with no finished card
    sample: int
    window: tuple[date, date]


def service_level(process, *, now: datetime, window_days: int) -> ServiceLevel:
    """The SLE: the 85th percentile (linear interpolation, as the metrics) of the cycle times
    of the cards finished over the window. A card that never started (lost from the first
    status) has cycle time 0, as in the metrics."""
    first, last = history_window(process, now=now, window_days=window_days)
    wt = working_time_for(process)
    start, end = local_midnight(wt, first), local_midnight(wt, last + timedelta(days=1))
    cycles = [
        (finished - (started or finished)).total_seconds() / 86400
        for finished, started in _finished_cards(process, start, end).values_list(
            "finished_at", "started_at"
        )
    ]
    days = round(float(np.percentile(cycles, SLE_PERCENTILE)), 1) if cycles else None
    return ServiceLevel(SLE_PERCENTILE, days, len(cycles), (first, last))


def future_working_days(process, *, now: datetime, until: date) -> list[date]:
    """The working days a forecast simulates: today through `until`."""
    wt = working_time_for(process)
    return working_days(wt, now.astimezone(wt.tz).date(), until)


def working_day_after(process, *, now: datetime, index: int) -> date | None:
    """The `index`-th working day counting today as the first (None for None)."""
    if index is None:
        return None
    wt = working_time_for(process)
    day = now.astimezone(wt.tz).date()
    seen = 0
    while True:
        if day.isoweekday() in wt.working_days and day not in wt.holidays:
            seen += 1
            if seen >= max(index, 1):
                return day
        day += timedelta(days=1)


BACKTEST_HORIZON_DAYS = 10  # working days: two weeks ahead, the usual question
BACKTEST_ANCHORS_DAYS = 180  # how far back the replayed anchors reach (local days)


def backtest(process, *, now: datetime, window_days: int, seed: int):
    """Replay "how many in the next two working weeks" from each past working day of the last
    180 days, each from the `window_days` before it. The history is today's view of it: a card
    reopened after an anchor counts at its last finish."""
    first, last = history_window(process, now=now, window_days=BACKTEST_ANCHORS_DAYS + window_days)
    history = daily_throughput(process, first=first, last=last)
    wt = working_time_for(process)
    per_window = len(working_days(wt, first, first + timedelta(days=window_days - 1)))
    return forecasting.backtest(
        history.counts,
        window=max(per_window, 1),
        horizon=BACKTEST_HORIZON_DAYS,
        seed=seed,
        trials=forecasting.BACKTEST_TRIALS,
    )


@dataclass(frozen=True)
class Forecast:
    kind: str  # "how_many" or "when"
    window: tuple[date, date]
    trials: int
    seed: int
    sufficient: bool
    percentiles: dict[int, int | date | None]
    target: int | date  # the cards asked about, or the date
    sample_days: int


def forecast(
    process,
    *,
    now: datetime,
    window_days: int,
    seed: int,
    how_many_by: date | None = None,
    when: int | None = None,
) -> Forecast:
    """ "How many by `how_many_by`" (at least, per level) or "when will `when` cards be done"
    (None: the open cards), from the daily throughput of the window."""
    first, last = history_window(process, now=now, window_days=window_days)
    sample = daily_throughput(process, first=first, last=last).counts
    if how_many_by is not None:
        days = len(future_working_days(process, now=now, until=how_many_by))
        outcome = forecasting.how_many(sample, days=days, seed=seed)
        return Forecast(
            "how_many",
            (first, last),
            outcome.trials,
            seed,
            outcome.sufficient,
            outcome.percentiles,
            how_many_by,
            len(sample),
        )
    cards = open_cards(process) if when is None else when
    outcome = forecasting.when(sample, cards=cards, seed=seed)
    dates = {
        p: working_day_after(process, now=now, index=value)
        for p, value in outcome.percentiles.items()
    }
    return Forecast(
        "when",
        (first, last),
        outcome.trials,
        seed,
        outcome.sufficient,
        dates,
        cards,
        len(sample),
    )


@dataclass(frozen=True)
class AgingCard:
    id: int
    title: str
    status: str
    age_days: float
    past_sle: bool


def aging_cards(process, *, now: datetime, sle_days: float | None) -> list[AgingCard]:
    """Open started cards with their age (now minus started, over the whole workflow), oldest
    first; those older than the SLE flagged. One query."""
    finals = Status.objects.filter(process=process, final=True).values("slug")
    first = Status.objects.filter(process=process).order_by("order", "id").values("slug")[:1]
    rows = (
        RequestCard.objects.filter(process=process)
        .exclude(status__in=finals)
        .annotate(
            started_at=Min(
                "events__at",
                filter=Q(events__kind=EventKind.TRANSITION, events__from_status__in=first),
            )
        )
        .filter(started_at__isnull=False)
        .order_by("started_at", "id")
        .values_list("id", "title", "status", "started_at")
    )
    cards = []
    for card_id, title, status, started_at in rows:
        age = (now - started_at).total_seconds() / 86400
        cards.append(
            AgingCard(card_id, title, status, age, sle_days is not None and age > sle_days)
        )
    return cards


def cycle_percentiles(process, *, now: datetime, window_days: int) -> dict[int, float]:
    """P50/P85/P95 of the cycle times over the window (linear interpolation): the aging
    chart's lines."""
    first, last = history_window(process, now=now, window_days=window_days)
    wt = working_time_for(process)
    start, end = local_midnight(wt, first), local_midnight(wt, last + timedelta(days=1))
    cycles = [
        (finished - (started or finished)).total_seconds() / 86400
        for finished, started in _finished_cards(process, start, end).values_list(
            "finished_at", "started_at"
        )
    ]
    if not cycles:
        return {}
    return {p: float(np.percentile(cycles, p)) for p in (50, 85, 95)}


def process_sle_days(process) -> float | None:
    """The process's SLE over the default window, for the board (processes/panels.py): one
    query."""
    return service_level(
        process, now=timezone.now(), window_days=forecasting.DEFAULT_WINDOW_DAYS
    ).days
