"""An extension point: the chance that a key result counting finished cards reaches its target
by its deadline. The flow app (Monte Carlo on daily throughput) registers the function at
start-up and goals shows its answer beside the owner's confidence; neither imports the other
(docs/design.md, "Architecture": extension points instead of upward imports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Key results whose figure counts finished cards, which a throughput forecast can answer.
FORECAST_METRICS = frozenset({"throughput"})

_chance: Callable[..., dict[str, Any]] | None = None


def register_target_chance(function: Callable[..., dict[str, Any]]) -> None:
    """Register (or replace: ready() may run twice in tests) the function that answers
    `target_chance`."""
    global _chance
    _chance = function


def target_chance(process, **question) -> dict[str, Any] | None:
    """The registered answer (see flow/selectors/key_results.py), or None without one."""
    return _chance(process, **question) if _chance is not None else None
