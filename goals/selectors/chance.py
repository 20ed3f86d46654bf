"""A key result's chance of reaching its target by the deadline, beside the owner's confidence
(issue 25): for a throughput target, from the forecast the flow app registers with
metrics.forecasts (its definition is in flow/selectors/key_results.py and goals' DEFINITIONS);
for any other key result, said plainly that there is none."""

from __future__ import annotations

import secrets
from datetime import datetime

from metrics.forecasts import FORECAST_METRICS, target_chance

NOT_FORECAST = (
    "Only a throughput target is forecast: its weekly count of finished cards comes from the "
    "daily throughput the forecasts sample."
)
DEFAULT_WINDOW_DAYS = 30


def new_seed() -> int:
    """A seed to record with a chance asked without one."""
    return secrets.randbelow(2**31)


def key_result_chance(kr, *, now: datetime, seed: int, window_days: int = DEFAULT_WINDOW_DAYS):
    confidence = (
        kr.check_ins.order_by("-created_at", "-id").values_list("confidence", flat=True).first()
    )
    answer = {
        "key_result": kr.pk,
        "metric": kr.metric,
        "dimension": kr.dimension,
        "target": kr.target,
        "better": kr.better,
        "deadline": kr.deadline,
        "confidence": confidence,
        "forecast": False,
        "probability": None,
        "trials": 0,
        "seed": seed,
        "window": None,
        "weeks": 0,
        "sufficient": False,
        "why": NOT_FORECAST,
    }
    if kr.is_guardrail or kr.metric not in FORECAST_METRICS:
        return answer
    found = target_chance(
        kr.process,
        target=kr.target,
        better=kr.better,
        deadline=kr.deadline,
        now=now,
        seed=seed,
        dimension=kr.dimension,
        window_days=window_days,
    )
    if found is None:  # no app registered a forecast
        return answer
    return {**answer, **found, "forecast": True}
