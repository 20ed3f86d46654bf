"""Reads for the goal pages and the API (names re-exported from `goals`)."""

from goals.selectors.goals import (
    GoalView,
    KeyResultView,
    cards_url,
    goal_detail,
    goals_for,
    goals_queryset,
    key_results_for_process,
    process_goals,
    slogan_gaps,
)

__all__ = [
    "GoalView",
    "KeyResultView",
    "cards_url",
    "goal_detail",
    "goals_for",
    "goals_queryset",
    "key_results_for_process",
    "process_goals",
    "slogan_gaps",
]
