"""Actions of the goals app, one module a concept: `goals` (goals and key results) and
`check_ins` (check-ins and their reminders), their names re-exported here; `history` (key
results' baselines and weekly rows from the stored figures); `reminders` (the claim that reminds
an owner of an overdue check-in)."""

from goals.services.check_ins import check_in_create, checkins_overdue_notify
from goals.services.goals import (
    GOAL_FIELDS,
    goal_create,
    goal_update,
    key_result_create,
    key_results_record_week,
)

__all__ = [
    "GOAL_FIELDS",
    "check_in_create",
    "checkins_overdue_notify",
    "goal_create",
    "goal_update",
    "key_result_create",
    "key_results_record_week",
]
