"""The deadline scan: cards whose at-risk or due instant has passed get one alert per level.

Like healthchecks' sendalerts, it reads denormalized instants through partial indexes and lets a
unique key claim the work, so several workers, a task delivered twice or a scan killed half-way
neither duplicate nor lose an alert: every batch commits on its own, and the next run starts
from the database, not from memory.
"""

import time
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from metrics.models import Alert, AlertLevel
from metrics.services import (
    HEARTBEAT_DEADLINE_SCAN,
    TARGET_VISIT,
    alerts_raise,
    heartbeat_record,
)
from processes.models import RequestCard


@dataclass(frozen=True)
class ScanLevel:
    """One pass of the scan: a clock's level, the instant that raises it and the claim column.

    `todo` is the partial index's predicate, read from processes.models.RequestCard.Meta.indexes:
    the scan must filter by exactly it for PostgreSQL to read the index instead of the table.
    """

    level: str
    instant: str
    due: str
    todo: Q
    claim: dict  # what the scan writes once the level's alert of the card's visit exists
    status_clock: bool

    @property
    def lookup(self) -> str:
        # At risk from its instant on; breached only after the deadline (processes.sla).
        return "lt" if self.level == AlertLevel.BREACHED else "lte"


def _index_condition(name: str) -> Q:
    return next(i.condition for i in RequestCard._meta.indexes if i.name == name)


def _clock(
    *, at_risk: str, due: str, indexes: tuple[str, str], claims: tuple[str, str], status_clock: bool
) -> list[ScanLevel]:
    """A clock's two passes: at risk from the `at_risk` instant, breached after `due`. Each reads
    its partial index (`indexes`, the model's own condition) and claims by its column (`claims`):
    the status clock's holds the visit alerted, the target's (one per card) a flag."""
    claimed = F("sla_visit") if status_clock else True
    return [
        ScanLevel(level, instant, due, _index_condition(index), {claim: claimed}, status_clock)
        for level, instant, index, claim in zip(
            (AlertLevel.AT_RISK, AlertLevel.BREACHED),
            (at_risk, due),
            indexes,
            claims,
            strict=True,
        )
    ]


LEVELS = [
    *_clock(
        at_risk="at_risk_at", due="due_at", indexes=("card_risk_due", "card_breach_due"),
        claims=("sla_risk_alerted_visit", "sla_breach_alerted_visit"), status_clock=True,
    ),
    *_clock(
        at_risk="target_at_risk_at", due="target_due_at",
        indexes=("card_target_risk_due", "card_target_breach_due"),
        claims=("target_risk_alerted", "target_breach_alerted"), status_clock=False,
    ),
]  # fmt: skip


def deadline_scan(
    *, now: datetime | None = None, batch_size: int = 2000, throttle: float = 0.0
) -> int:
    """Raise the alerts that are due and return how many this run raised.

    Each pass reads the cards still to alert through its partial index, oldest instant first,
    a batch at a time (memory bounded by `batch_size`, a fixed number of queries per batch).
    A batch raises its alerts and marks the cards in one transaction, so marked cards leave
    the index and the next batch starts where the database says, not where memory says.
    `throttle` (seconds) pauses between batches to spare the database.
    """
    now = now or timezone.now()
    raised = 0
    for scan in LEVELS:
        previous: set[int] = set()
        while True:
            rows = list(
                RequestCard.objects.filter(scan.todo, **{f"{scan.instant}__{scan.lookup}": now})
                .order_by(scan.instant, "id")
                .values("id", "status", "sla_visit", scan.due)[:batch_size]
            )
            ids = {row["id"] for row in rows}
            if not rows or ids <= previous:
                # Nothing left, or cards that cannot be marked (a move between read and mark
                # gives them a new visit, read again in the next batch): never loop on them.
                break
            previous = ids
            raised += _scan_batch(scan, rows, now)
            if len(rows) < batch_size:
                break
            if throttle:
                time.sleep(throttle)
    heartbeat_record(name=HEARTBEAT_DEADLINE_SCAN)
    return raised


def _scan_batch(scan: ScanLevel, rows: list[dict], now: datetime) -> int:
    candidates = [
        {
            "card_id": row["id"],
            "status": row["status"],
            "visit": row["sla_visit"] if scan.status_clock else TARGET_VISIT,
            "level": scan.level,
            "due_at": row[scan.due],
        }
        for row in rows
    ]
    with transaction.atomic():
        raised = alerts_raise(candidates=candidates, now=now)
        # Marked only where the alert of the card's current visit exists: a card moved on since
        # it was read keeps its new visit unmarked, so its own alert is not lost.
        visit = OuterRef("sla_visit") if scan.status_clock else TARGET_VISIT
        alerted = Alert.objects.filter(card_id=OuterRef("pk"), visit=visit, level=scan.level)
        RequestCard.objects.filter(id__in=[row["id"] for row in rows]).filter(
            Exists(alerted)
        ).update(**scan.claim)
    return len(raised)
