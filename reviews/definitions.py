"""Reviews' words and rules, written once: the services compute with them and the pages show
`DEFINITIONS`. Pure: no database."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

from django.db import models

from goals.definitions import Cadence
from opmodel.weeks import iso_week

EFFECT_WEEKS = 4  # complete weeks compared before and after a decision was done
MEDIAN_WEEKS = 12  # the weekly headline's median runs over this many weeks before it
MARKED_CHANGE = 0.20  # a headline is marked when it is this share away from its median
PILOT_CARDS = 10  # finished cards that make a pilot run through the process
CADENCE_WEEKS = 4  # reviews held on cadence are counted over this many weeks
TOP = 5  # block reasons and breach hotspots shown on the weekly agenda
HEALTH_BANDS = (0.8, 0.5)  # a model health share at or above the first is good, the second watch


def health_band(share: float | None) -> str:
    if share is None:
        return ""
    good, watch = HEALTH_BANDS
    return "good" if share >= good else "watch" if share >= watch else "bad"


# A review's level is a goal's review cadence: one set of words (and one API enum).
Level = Cadence


class ReviewState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class DecisionState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Changes(models.TextChoices):
    NOTHING = "nothing", "Nothing"
    ACTION = "action", "An action"
    RULE = "rule", "A rule"


class RuleKind(models.TextChoices):
    SLA_POLICY = "sla_policy", "SLA policy"
    EXCEPTION_RULE = "exception_rule", "Exception rule"
    ROLE_GRANT = "role_grant", "Role grant"
    STATUS = "status", "Status"
    TRANSITION = "transition", "Transition"


class Expected(models.TextChoices):
    UP = "up", "Up"
    DOWN = "down", "Down"


class Effect(models.TextChoices):
    MOVED = "moved", "Moved as expected"
    NO_CHANGE = "no_change", "No clear change"
    WRONG_WAY = "wrong_way", "Moved the wrong way"
    PENDING = "pending", "Not yet measurable"
    NO_DATA = "no_data", "No data"


DEFINITIONS = [
    (
        "Model health bands",
        f"Each figure is a share: good at {HEALTH_BANDS[0]:.0%} or more, watch from "
        f"{HEALTH_BANDS[1]:.0%}, bad below; with nothing to count it has no band.",
    ),
    (
        "Schedule",
        "Each review level of a process has a rhythm: a local time on the process's business "
        "calendar; daily on every working day, weekly on a weekday, monthly on the n-th weekday "
        "of the month. A slot on a day off moves to the next working day.",
    ),
    (
        "Held on time / missed",
        "A slot is held on time when a review of its level was closed on the slot's day with "
        "at least one decision; a past slot without one is missed. A review closed with no "
        "decision stays marked as such and is not counted as held.",
    ),
    (
        "Agenda",
        "Computed from live data while the review is open; frozen into the review when it is "
        "closed, so the record shows what was seen. Items neither noted, ticked as discussed "
        "nor decided on carry over to the next review of the same level.",
    ),
    (
        "Marked change",
        f"A weekly headline is marked when the week's value is more than "
        f"{MARKED_CHANGE:.0%} away from the median of the {MEDIAN_WEEKS} weeks before it.",
    ),
    (
        "Done on time",
        "A decision done on or before its due date (in the process calendar's time zone).",
    ),
    (
        "Did it work?",
        f"For a decision tied to a metric: the mean of the {EFFECT_WEEKS} complete ISO weeks "
        f"after the week it was done, against the mean of the {EFFECT_WEEKS} complete weeks "
        "before that week. Moved as expected when the change is in the expected direction and "
        "larger than the standard deviation of the weekly values before (any change when they "
        "did not vary); moved the wrong way when it is that large the other way; otherwise no "
        "clear change. At least 2 weekly values are needed on each side. A decision that did "
        "not move its metric goes on the next monthly review's agenda.",
    ),
]


def effect_of(before: list[float], after: list[float], expected: str) -> str:
    """The rule above on the weekly values (None values already left out)."""
    if len(before) < 2 or len(after) < 2:
        return Effect.NO_DATA
    change = statistics.fmean(after) - statistics.fmean(before)
    spread = statistics.stdev(before)
    if abs(change) <= spread or change == 0:
        return Effect.NO_CHANGE
    up = change > 0
    return Effect.MOVED if up == (expected == Expected.UP) else Effect.WRONG_WAY


def effect_weeks(done_on: date) -> tuple[list[str], list[str]]:
    """The complete ISO weeks before the week holding `done_on`, and after it."""
    monday = done_on - timedelta(days=done_on.weekday())
    before = [iso_week(monday - timedelta(weeks=k)) for k in range(EFFECT_WEEKS, 0, -1)]
    after = [iso_week(monday + timedelta(weeks=k)) for k in range(1, EFFECT_WEEKS + 1)]
    return before, after


def effect_ready_on(done_on: date) -> date:
    """The first day the last week after is complete (the Monday after it)."""
    monday = done_on - timedelta(days=done_on.weekday())
    return monday + timedelta(weeks=EFFECT_WEEKS + 1)


def median_change_marked(value: float | None, median: float | None) -> bool:
    if value is None or median is None:
        return False
    if median == 0:
        return value != 0
    return abs(value - median) > MARKED_CHANGE * abs(median)
