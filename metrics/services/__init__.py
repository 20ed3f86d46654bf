"""Actions of the metrics app, one module a concept: heartbeats, alerts, weekly snapshots.
The public names are re-exported here, so `from metrics.services import ...` keeps working."""

from metrics.services.alerts import (
    BREACH_ROLE_KINDS,
    TARGET_VISIT,
    alert_key,
    alerts_notify,
    alerts_raise,
)
from metrics.services.heartbeats import (
    HEARTBEAT_DEADLINE_SCAN,
    HEARTBEAT_WORKER,
    heartbeat_record,
)
from metrics.services.snapshots import (
    weekly_snapshot_compute,
    weekly_snapshots_catch_up,
    weekly_snapshots_current,
    weekly_snapshots_walk,
)

__all__ = [
    "BREACH_ROLE_KINDS",
    "HEARTBEAT_DEADLINE_SCAN",
    "HEARTBEAT_WORKER",
    "TARGET_VISIT",
    "alert_key",
    "alerts_notify",
    "alerts_raise",
    "heartbeat_record",
    "weekly_snapshot_compute",
    "weekly_snapshots_catch_up",
    "weekly_snapshots_current",
    "weekly_snapshots_walk",
]
