"""Business hours between many pairs of instants at once, as WorkingTime.between counts them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

HOUR = 3600


def as_utc(value) -> datetime:
    if isinstance(value, str):  # SQLite hands window-function columns back as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def business_hours_between(wt, starts: list, ends: list) -> list[float | None]:
    """Business hours from each start to its end (None where the end is None), for all pairs
    at once: the business seconds elapsed since a fixed origin are a running sum over the
    working windows, so a span's time is the difference of two lookups (a binary search each)
    instead of a walk over its days."""
    if not starts:
        return []
    begin = np.array([as_utc(s).timestamp() for s in starts])
    finish = np.array([as_utc(e).timestamp() if e is not None else np.nan for e in ends])
    first = datetime.fromtimestamp(np.nanmin(begin), UTC).astimezone(wt.tz).date()
    last = datetime.fromtimestamp(np.nanmax(np.concatenate([begin, finish])), UTC)
    last = last.astimezone(wt.tz).date()
    opens, closes, day = [], [], first - timedelta(days=1)
    while day <= last + timedelta(days=1):
        window = wt.working_window(day)
        if window is not None:
            opens.append(window[0].timestamp())
            closes.append(window[1].timestamp())
        day += timedelta(days=1)
    opens, closes = np.array(opens), np.array(closes)
    before = np.concatenate([[0.0], np.cumsum(closes - opens)])  # business seconds before each

    def elapsed(ts):
        i = np.searchsorted(opens, ts, side="right") - 1
        inside = np.clip(ts - opens[np.maximum(i, 0)], 0, (closes - opens)[np.maximum(i, 0)])
        return np.where(i < 0, 0.0, before[np.maximum(i, 0)] + inside)

    open_span = np.isnan(finish)
    hours = (elapsed(np.where(open_span, begin, finish)) - elapsed(begin)) / HOUR
    # WorkingTime.between counts whole seconds.
    hours = np.floor(hours * HOUR + 1e-6) / HOUR
    return [None if gone else float(h) for h, gone in zip(hours, open_span, strict=True)]
