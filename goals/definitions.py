"""Goals' words, states and bands, written once: the services compute with them and the pages
show `DEFINITIONS`. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models

from opmodel.weeks import iso_week

MAX_ACTIVE_GOALS = 5  # "3-5 management goals": a sixth company goal active on a day is refused
AT_RISK_POINTS_BEHIND = 15
OFF_TRACK_POINTS_BEHIND = 30
BASELINE_WEEKS = 4
REMINDER_GRACE_BUSINESS_DAYS = 2
# A goal's dates stay where every week derived from them (the baseline before the start, the
# weeks of the period, the day after the end) is still a date: Python's calendar runs from year 1
# to 9999. And a goal is for "the next 6-12 months": a period of more than two years (which would
# also hold one of the active slots for that long) is refused.
FIRST_GOAL_DAY = date(1900, 1, 1)
LAST_GOAL_DAY = date(9998, 12, 31)
MAX_PERIOD_DAYS = 731


class Cadence(models.TextChoices):
    DAILY = "daily", "Daily review"
    WEEKLY = "weekly", "Weekly review"
    MONTHLY = "monthly", "Monthly review"


CADENCE_DAYS = {Cadence.DAILY: 1, Cadence.WEEKLY: 7, Cadence.MONTHLY: 30}


class GoalState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class KeyResultKind(models.TextChoices):
    TARGET = "target", "Target"
    GUARDRAIL = "guardrail", "Guardrail"


class KRState(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    HOLDING = "holding", "Holding"
    BROKEN = "broken", "Broken"
    NO_DATA = "no_data", "No data"


# Worst first wins: a goal's state is its worst key result's.
SEVERITY = {
    KRState.OFF_TRACK: 5,
    KRState.BROKEN: 5,
    KRState.AT_RISK: 4,
    KRState.NO_DATA: 3,
    KRState.ON_TRACK: 2,
    KRState.HOLDING: 2,
    KRState.ACHIEVED: 1,
}

DEFINITIONS = [
    (
        "Baseline",
        f"The median of the {BASELINE_WEEKS} complete ISO weeks before the goal's period "
        "starts (weeks without the figure are left out), computed when the key result is "
        "added; the weeks are recorded with it.",
    ),
    (
        "Current value",
        "The figure of the latest complete week; the week in progress is shown apart.",
    ),
    ("Progress", "(current − baseline) / (target − baseline), as a percentage."),
    (
        "Elapsed",
        "The share of the time from the period's start to the key result's deadline that has "
        "passed by the end of the week.",
    ),
    ("Achieved", "The target is met (progress 100% or more)."),
    (
        "On track / at risk / off track",
        f"Progress compared with the elapsed share: at risk when more than "
        f"{AT_RISK_POINTS_BEHIND} points behind, off track when more than "
        f"{OFF_TRACK_POINTS_BEHIND} points behind or past the deadline unmet.",
    ),
    (
        "Guardrail",
        "A threshold that must hold every week: holding when the week's figure is on the "
        "right side of it (at least it for a figure where up is better, at most for one "
        "where down is), broken otherwise.",
    ),
    (
        "Chance by the deadline",
        "For a throughput target (cards finished a week), shown beside the owner's confidence. "
        "Throughput is a weekly rate, not a running total: the target is reached when one "
        "ISO week's count meets it (at least it, or at most it when fewer is better). The "
        "chance is the share of 10,000 trials in which at least one week, from the current "
        "one to the deadline's, meets it: each week's remaining working days are drawn from "
        "the daily throughput of the last 30 days (days without a finish kept, days off neither "
        "sampled nor simulated), the current week starting from what it finished before "
        "today. Seeded, so it can be replayed; no answer below 10 working days of history or "
        "without a finish. Other key results (intake, WIP, times, shares) are not forecast.",
    ),
    (
        "Goal state",
        "The worst of its key results' states in the latest complete week and of its "
        "sub-goals' states (active or done ones), worst first: off track and broken, then at "
        "risk, no data, on track and holding, achieved.",
    ),
    (
        "Company goal",
        "A top-level goal (it serves no other) with sub-goals or no process of its own; its "
        f"sub-goals are process goals. At most {MAX_ACTIVE_GOALS} company goals are active on "
        "any day; sub-goals do not count.",
    ),
    (
        "Process goal",
        "Any other goal tied to a process. It serves a company goal when going up the goals it "
        "serves ends at an active goal; model health lists the ones that do not.",
    ),
    (
        "Check-ins",
        f"The goal's owner checks in on each key result at the goal's cadence (daily 1 day, "
        f"weekly 7, monthly 30); a key result without one for longer than that plus "
        f"{REMINDER_GRACE_BUSINESS_DAYS} business days of its process's calendar is overdue, "
        "and the owner is reminded once.",
    ),
    (
        "Still a slogan",
        "A goal without a process, an owner, a key result backed by a metric or a review cadence.",
    ),
]


def progress_of(value: float | None, baseline: float | None, target: float) -> float | None:
    if value is None or baseline is None or target == baseline:
        return None
    return round((value - baseline) / (target - baseline), 4)


def met(value: float, threshold: float, better: str) -> bool:
    return value >= threshold if better == "up" else value <= threshold


def elapsed_share(*, starts_on: date, deadline: date, week_last_day: date) -> float:
    """The share of [starts_on, deadline] passed by the end of the week (its Sunday)."""
    span = (deadline - starts_on).days + 1
    passed = (min(week_last_day, deadline) - starts_on).days + 1
    return max(0.0, min(1.0, passed / span)) if span > 0 else 1.0


def target_state(
    *,
    value: float | None,
    progress: float | None,
    target: float,
    better: str,
    starts_on: date,
    deadline: date,
    week_last_day: date,
) -> str:
    if value is None:
        return KRState.NO_DATA
    reached = progress >= 1 if progress is not None else met(value, target, better)
    if reached:
        return KRState.ACHIEVED
    if week_last_day > deadline:
        return KRState.OFF_TRACK  # past the deadline, unmet
    if progress is None:
        return KRState.NO_DATA  # no baseline to measure progress from
    elapsed = elapsed_share(starts_on=starts_on, deadline=deadline, week_last_day=week_last_day)
    behind = (elapsed - progress) * 100
    if behind > OFF_TRACK_POINTS_BEHIND:
        return KRState.OFF_TRACK
    if behind > AT_RISK_POINTS_BEHIND:
        return KRState.AT_RISK
    return KRState.ON_TRACK


def guardrail_state(*, value: float | None, threshold: float, better: str) -> str:
    if value is None:
        return KRState.NO_DATA
    return KRState.HOLDING if met(value, threshold, better) else KRState.BROKEN


def worst(states) -> str | None:
    states = [s for s in states if s]
    return max(states, key=lambda s: SEVERITY[s]) if states else None


def week_days(week: str) -> tuple[date, date]:
    """'2026-W47' -> (its Monday, its Sunday)."""
    year, number = int(week[:4]), int(week[6:])
    monday = date.fromisocalendar(year, number, 1)
    return monday, monday + timedelta(days=6)


def baseline_weeks(starts_on: date) -> list[str]:
    """The complete ISO weeks just before the period: the week holding `starts_on` is not
    before it unless it starts on that Monday, and then the four before it are."""
    monday = starts_on - timedelta(days=starts_on.weekday())
    return [iso_week(monday - timedelta(weeks=k)) for k in range(BASELINE_WEEKS, 0, -1)]


def period_weeks(starts_on: date, ends_on: date) -> list[str]:
    monday = starts_on - timedelta(days=starts_on.weekday())
    weeks = []
    while monday <= ends_on:
        weeks.append(iso_week(monday))
        monday += timedelta(weeks=1)
    return weeks
