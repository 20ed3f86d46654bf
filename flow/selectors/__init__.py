"""Reads of the flow app, one module a concept: `flow` (daily throughput, the service level
expectation, aging, forecasts and their backtest, re-exported here) and `process_map` (the map,
designed vs actual)."""

from flow.selectors.flow import (
    BACKTEST_HORIZON_DAYS,
    Forecast,
    aging_cards,
    backtest,
    cycle_percentiles,
    forecast,
    process_sle_days,
    service_level,
    working_days,
)

__all__ = [
    "BACKTEST_HORIZON_DAYS",
    "Forecast",
    "aging_cards",
    "backtest",
    "cycle_percentiles",
    "forecast",
    "process_sle_days",
    "service_level",
    "working_days",
]
