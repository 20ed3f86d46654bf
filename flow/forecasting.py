"""Monte Carlo forecasts on daily throughput (Vacanti, "When Will It Be Done?"), without the
database: the selectors hand in the history as one count per working day.

- The sample is the finished-card count of each working day of the window, zero days included:
  dropping them would inflate every forecast. Non-working days are not in the sample, and the
  simulation walks working days only, so a weekend neither adds nor dilutes throughput.
- "How many by D" is read as "at least": at level p, the value that p% of the trials reach or
  pass (the lower (100 - p)th percentile of outcomes, by rank).
- "When will N be done" gives, at level p, the working day by which p% of the trials are done.
- Every forecast runs `TRIALS` trials from a seed it records, so the same seed gives the same
  answer; below `MIN_SAMPLE_DAYS` working days (or with no finish at all) it says so.

numpy draws the trials as one array (PCG64 from the recorded seed): plain `random` took 170 ms
for a month's horizon and 690 ms for a year's on this machine, past the 200 ms goal
(bench/forecast.py measures it).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

import numpy as np

LEVELS = (50, 70, 85, 95)
TRIALS = 10_000
MIN_SAMPLE_DAYS = 10
# A backtest runs one forecast per anchor (about 130 working days back): fewer trials each keep
# the page within a second, and 2,000 trials move a level's value by about one card.
BACKTEST_TRIALS = 2_000
DEFAULT_WINDOW_DAYS = 30
# A "when" trial that has not finished after this many working days (about ten years) gives
# up: the history says the work will not be done in any horizon worth a date.
MAX_HORIZON_DAYS = 2_500


@dataclass(frozen=True)
class Outcome:
    """A forecast's answer: per level a count (how many) or a working-day index (when, 1 is the
    first simulated day), None when the history is not enough."""

    sufficient: bool
    trials: int
    seed: int
    percentiles: dict[int, int | None]


def sufficient(sample: list[int]) -> bool:
    return len(sample) >= MIN_SAMPLE_DAYS and any(sample)


def new_seed() -> int:
    """A seed to record with a forecast that was asked without one."""
    return secrets.randbelow(2**31)


def _unknown(trials: int, seed: int) -> Outcome:
    return Outcome(False, trials, seed, dict.fromkeys(LEVELS))


def how_many(sample: list[int], *, days: int, seed: int, trials: int = TRIALS) -> Outcome:
    """Cards finished in the next `days` working days, at least, at each level."""
    if not sufficient(sample):
        return _unknown(trials, seed)
    rng = np.random.default_rng(seed)
    counts = np.asarray(sample, dtype=np.int64)
    outcomes = np.zeros(trials, dtype=np.int64)
    for size in _blocks(days):
        outcomes += counts[rng.integers(0, len(counts), size=(trials, size))].sum(axis=1)
    outcomes.sort()
    # At least p% of the trials reach outcomes[k] for k = floor(trials * (100 - p) / 100).
    return Outcome(
        True, trials, seed, {p: int(outcomes[(trials * (100 - p)) // 100]) for p in LEVELS}
    )


def when(sample: list[int], *, cards: int, seed: int, trials: int = TRIALS) -> Outcome:
    """The working day (1 = the first simulated) by which `cards` are done, at each level;
    None at a level whose trials run past MAX_HORIZON_DAYS."""
    if not sufficient(sample):
        return _unknown(trials, seed)
    if cards <= 0:
        return Outcome(True, trials, seed, dict.fromkeys(LEVELS, 0))
    rng = np.random.default_rng(seed)
    counts = np.asarray(sample, dtype=np.int64)
    done = np.zeros(trials, dtype=np.int64)
    finished_on = np.full(trials, np.iinfo(np.int64).max, dtype=np.int64)
    day = 0
    for size in _blocks(MAX_HORIZON_DAYS):
        running = np.flatnonzero(finished_on == np.iinfo(np.int64).max)
        if not len(running):
            break
        totals = done[running, None] + np.cumsum(
            counts[rng.integers(0, len(counts), size=(len(running), size))], axis=1
        )
        reached = totals >= cards
        hit = reached.any(axis=1)
        finished_on[running[hit]] = day + reached[hit].argmax(axis=1) + 1
        done[running] = totals[:, -1]
        day += size
    finished_on.sort()
    # p% of the trials are done by finished_on[k] for k = ceil(trials * p / 100) - 1.
    percentiles = {}
    for p in LEVELS:
        value = int(finished_on[math.ceil(trials * p / 100) - 1])
        percentiles[p] = None if value == np.iinfo(np.int64).max else value
    return Outcome(True, trials, seed, percentiles)


def _blocks(days: int, size: int = 128):
    """Working days in blocks, so that one array holds at most trials x `size` draws."""
    while days > 0:
        yield min(size, days)
        days -= size


@dataclass(frozen=True)
class LevelRecord:
    anchors: int
    held: int

    @property
    def rate(self) -> float | None:
        return round(float(self.held) / self.anchors, 4) if self.anchors else None


def backtest(
    daily: list[int],
    *,
    window: int,
    horizon: int,
    seed: int,
    step: int = 1,
    trials: int = TRIALS,
) -> dict[int, LevelRecord]:
    """Replay "how many in the next `horizon` working days" from every `step`-th past working
    day (an anchor) that has `window` working days of history before it and `horizon` after,
    each forecast from the `window` days before its anchor only; a level holds at an anchor
    when the cards actually finished reach its forecast. `daily` is one count per working day,
    oldest first."""
    held = dict.fromkeys(LEVELS, 0)
    anchors = 0
    for anchor in range(window, len(daily) - horizon + 1, step):
        history = daily[anchor - window : anchor]
        outcome = how_many(history, days=horizon, seed=seed + anchor, trials=trials)
        if not outcome.sufficient:
            continue
        anchors += 1
        actual = sum(daily[anchor : anchor + horizon])
        for p in LEVELS:
            held[p] += int(actual >= outcome.percentiles[p])
    return {p: LevelRecord(anchors, held[p]) for p in LEVELS}


def week_reaches(
    sample: list[int],
    *,
    weeks: list[tuple[int, int]],
    target: float,
    better: str,
    seed: int,
    trials: int = TRIALS,
) -> float | None:
    """The share of trials in which at least one week's count meets `target` (at least it when
    `better` is "up", at most when "down"). Each week is (cards already finished, working days
    left to simulate); None when the history is not enough."""
    if not sufficient(sample):
        return None
    rng = np.random.default_rng(seed)
    counts = np.asarray(sample, dtype=np.int64)
    hit = np.zeros(trials, dtype=bool)
    for already, days in weeks:
        total = np.full(trials, already, dtype=np.int64)
        if days:
            total += counts[rng.integers(0, len(counts), size=(trials, days))].sum(axis=1)
        hit |= total >= target if better == "up" else total <= target
    return round(float(hit.mean()), 4)
