"""The metrics app's data: workers' heartbeats, alerts, weekly snapshots and their figures.
Import the classes from here."""

from metrics.models.records import (
    Alert,
    AlertLevel,
    WeeklyFigure,
    WeeklySnapshot,
    WorkerHeartbeat,
)

__all__ = [
    "Alert",
    "AlertLevel",
    "WeeklyFigure",
    "WeeklySnapshot",
    "WorkerHeartbeat",
]
