"""Reads of the metrics app, one module a concept: `risks` (the daily review's risks, re-exported
here) and `health` (what the health page checks)."""

from metrics.selectors.risks import (
    RISKS_PAGE_SIZE,
    UNASSIGNED,
    RiskReview,
    RiskRow,
    risks_for_review,
)

__all__ = [
    "RISKS_PAGE_SIZE",
    "RiskReview",
    "RiskRow",
    "UNASSIGNED",
    "risks_for_review",
]
