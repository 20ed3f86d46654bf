"""The goals app's data: goals, key results, their weekly rows, check-ins and reminders. Import
the classes from here."""

from goals.models.goals import (
    CheckIn,
    CheckInReminder,
    Goal,
    KeyResult,
    KeyResultWeek,
)

__all__ = [
    "CheckIn",
    "CheckInReminder",
    "Goal",
    "KeyResult",
    "KeyResultWeek",
]
