"""Business hours between many pairs of instants at once, as WorkingTime.between counts them.

The business seconds elapsed since a fixed origin are a running sum over the working windows, so
a span's time is the difference of two lookups (a binary search each) instead of a walk over its
days. `BusinessClock` holds those windows for a range of local days; `business_hours_between`
reads it in numpy, and the map's SQL on PostgreSQL passes its arrays to the statement and reads
them with `width_bucket` (the same binary search, the same float arithmetic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

HOUR = 3600


def as_utc(value) -> datetime:
    if isinstance(value, str):  # SQLite hands window-function columns back as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class BusinessClock:
    """The working windows of the local days [first - 1, last + 1] as epoch seconds: `opens`,
    `spans` (close - open) and `before` (business seconds in the windows before each)."""

    opens: np.ndarray
    spans: np.ndarray
    before: np.ndarray

    @classmethod
    def of(cls, wt, first: date, last: date) -> BusinessClock:
        opens, closes, day = [], [], first - timedelta(days=1)
        while day <= last + timedelta(days=1):
            window = wt.working_window(day)
            if window is not None:
                opens.append(window[0].timestamp())
                closes.append(window[1].timestamp())
            day += timedelta(days=1)
        opens, closes = np.array(opens, dtype=float), np.array(closes, dtype=float)
        spans = closes - opens
        return cls(opens, spans, np.concatenate([[0.0], np.cumsum(spans)])[:-1])

    def elapsed(self, ts: np.ndarray) -> np.ndarray:
        if not len(self.opens):
            return np.zeros_like(ts)
        i = np.searchsorted(self.opens, ts, side="right") - 1
        k = np.maximum(i, 0)
        inside = np.clip(ts - self.opens[k], 0, self.spans[k])
        return np.where(i < 0, 0.0, self.before[k] + inside)


def whole_seconds_hours(seconds: np.ndarray) -> np.ndarray:
    """WorkingTime.between counts whole seconds; the SQL repeats these very operations."""
    hours = seconds / HOUR
    return np.floor(hours * HOUR + 1e-6) / HOUR


def business_hours_between(wt, starts: list, ends: list) -> list[float | None]:
    """Business hours from each start to its end (None where the end is None), for all pairs
    at once."""
    if not starts:
        return []
    begin = np.array([as_utc(s).timestamp() for s in starts])
    finish = np.array([as_utc(e).timestamp() if e is not None else np.nan for e in ends])
    first = datetime.fromtimestamp(np.nanmin(begin), UTC).astimezone(wt.tz).date()
    last = datetime.fromtimestamp(np.nanmax(np.concatenate([begin, finish])), UTC)
    clock = BusinessClock.of(wt, first, last.astimezone(wt.tz).date())
    open_span = np.isnan(finish)
    spent = clock.elapsed(np.where(open_span, begin, finish)) - clock.elapsed(begin)
    hours = whole_seconds_hours(spent)
    return [None if gone else float(h) for h, gone in zip(hours, open_span, strict=True)]
