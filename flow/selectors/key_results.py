"""The chance that a throughput key result reaches its target by its deadline (registered with
metrics.forecasts; goals shows it beside the owner's confidence).

A key result's throughput is a weekly rate, not a running total: it is reached when one ISO
week's count meets the target (at least it, or at most it when fewer is better), and judged
week by week up to the week holding the deadline (goals/definitions.py, "Achieved"). So the
chance is the share of trials in which at least one week, from the current one to the
deadline's, meets the target: each week's working days are simulated by drawing daily counts
from the history window (zero days kept; non-working days neither sampled nor simulated), and
the current week starts from the cards it finished on the days before today (today is
simulated whole, as in the forecasts). A status dimension counts the cards finished into that
final status only. With a recorded seed, so the answer can be replayed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flow import forecasting
from flow.selectors.flow import daily_throughput, history_window, working_days
from processes.calendars import working_time_for
from processes.models import Status


def target_chance(
    process,
    *,
    target: float,
    better: str,
    deadline: date,
    now: datetime,
    seed: int,
    dimension: str = "",
    window_days: int = forecasting.DEFAULT_WINDOW_DAYS,
    trials: int = forecasting.TRIALS,
) -> dict:
    wt = working_time_for(process)
    today = now.astimezone(wt.tz).date()
    first, last = history_window(process, now=now, window_days=window_days)
    answer = {
        "probability": None,
        "trials": trials,
        "seed": seed,
        "window": {"from": first.isoformat(), "to": last.isoformat()},
        "weeks": 0,
        "sufficient": False,
        "why": "",
    }
    statuses = None
    if dimension:
        if not Status.objects.filter(process=process, final=True, slug=dimension).exists():
            return {**answer, "why": f"“{dimension}” is not a final status: nothing to forecast."}
        statuses = [dimension]
    if deadline < today:
        return {**answer, "why": "The deadline has passed."}
    sample = daily_throughput(process, first=first, last=last, statuses=statuses).counts
    monday = today - timedelta(days=today.isoweekday() - 1)
    weeks = []
    while monday <= deadline:
        sunday = monday + timedelta(days=6)
        already = 0
        if monday < today:
            done = daily_throughput(
                process, first=monday, last=today - timedelta(days=1), statuses=statuses
            )
            already = sum(done.counts)
        weeks.append((already, len(working_days(wt, max(monday, today), sunday))))
        monday += timedelta(days=7)
    probability = forecasting.week_reaches(
        sample, weeks=weeks, target=target, better=better, seed=seed, trials=trials
    )
    return {
        **answer,
        "probability": probability,
        "weeks": len(weeks),
        "sufficient": probability is not None,
        "why": ""
        if probability is not None
        else "Not enough history: fewer than "
        f"{forecasting.MIN_SAMPLE_DAYS} working days or no finish in the window.",
    }
