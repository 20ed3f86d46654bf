"""The deadline scan: cards whose at-risk or due instant has passed get one alert per level.

Like healthchecks' sendalerts, it reads denormalized instants through partial indexes and lets a
unique key claim the work, so several workers, a task delivered twice or a scan killed half-way
neither duplicate nor lose an alert: every batch commits on its own, and the next run starts
from the database, not from memory.
"""

import time
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from metrics.models import Alert, AlertLevel
from metrics.services import (
    HEARTBEAT_DEADLINE_SCAN,
    TARGET_VISIT,
    alerts_raise,
    heartbeat_record,
)
from processes.models import RequestCard

# (level, the instant column, the column of the visit number: None for the target clock)
LEVEL_COLUMNS = [
    (AlertLevel.AT_RISK, "at_risk_at", "due_at", "sla_visit"),
    (AlertLevel.BREACHED, "due_at", "due_at", "sla_visit"),
    (AlertLevel.AT_RISK, "target_at_risk_at", "target_due_at", None),
    (AlertLevel.BREACHED, "target_due_at", "target_due_at", None),
]


def deadline_scan(
    *, now: datetime | None = None, batch_size: int = 2000, throttle: float = 0.0
) -> int:
    """Raise the alerts that are due and return how many this run raised.

    Memory is bounded by `batch_size`: batches walk the partial index by id, with a fixed
    number of queries each. `throttle` (seconds) pauses between batches to spare the database.
    """
    now = now or timezone.now()
    raised = 0
    for level, column, due_column, visit_column in LEVEL_COLUMNS:
        visit = OuterRef(visit_column) if visit_column else TARGET_VISIT
        already = Alert.objects.filter(card_id=OuterRef("pk"), visit=visit, level=level)
        last_id = 0
        while True:
            rows = list(
                RequestCard.objects.filter(**{f"{column}__lte": now}, id__gt=last_id)
                .exclude(Exists(already))
                .order_by("id")
                .values("id", "status", "sla_visit", due_column)[:batch_size]
            )
            if not rows:
                break
            last_id = rows[-1]["id"]
            candidates = [
                {
                    "card_id": row["id"],
                    "status": row["status"],
                    "visit": row["sla_visit"] if visit_column else TARGET_VISIT,
                    "level": level,
                    "due_at": row[due_column],
                }
                for row in rows
            ]
            raised += len(alerts_raise(candidates=candidates, now=now))
            if len(rows) < batch_size:
                break
            if throttle:
                time.sleep(throttle)
    heartbeat_record(name=HEARTBEAT_DEADLINE_SCAN)
    return raised
