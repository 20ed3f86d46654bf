from datetime import datetime

from celery import shared_task

from metrics.services import (
    heartbeat_record,
    weekly_snapshot_compute,
    weekly_snapshots_catch_up,
    weekly_snapshots_current,
)
from metrics.services.deadlines import deadline_scan
from metrics.services.promise_risks import promise_risk_scan
from processes.services.approvals import approvals_escalate

# The scans and the snapshots are idempotent (a unique key or a claim for the scans, a week
# recomputed in place for the snapshots), so a task delivered twice, two beats at once or a
# retry after a failure only repeat the same work: acknowledged late, retried with backoff.
RETRY = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "max_retries": 3,
}


def _instant(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task(name="metrics.tasks.worker_heartbeat")
def worker_heartbeat(name: str = "worker") -> str:
    """Proves a worker is consuming the broker: the health page shows the time it last ran."""
    beat = heartbeat_record(name=name)
    return beat.seen_at.isoformat()


@shared_task(name="metrics.tasks.deadline_scan", **RETRY)
def deadline_scan_task(now: str | None = None, batch_size: int = 2000, throttle: float = 0.0):
    """Run by beat every minute. `now` (ISO 8601) replays the scan at another instant."""
    return deadline_scan(now=_instant(now), batch_size=batch_size, throttle=throttle)


@shared_task(name="metrics.tasks.promise_risk_scan", **RETRY)
def promise_risk_scan_task(now: str | None = None) -> dict:
    """Run by beat every five minutes: promises at risk told once per spell, spells ended."""
    return promise_risk_scan(now=_instant(now))


@shared_task(name="metrics.tasks.approval_escalation_scan", **RETRY)
def approval_escalation_scan_task(now: str | None = None) -> int:
    """Run by beat every minute: pending approvals past their decision SLA escalate, once."""
    return approvals_escalate(now=_instant(now))


@shared_task(name="metrics.tasks.weekly_snapshot", **RETRY)
def weekly_snapshot_task(process_id: int, week: str, now: str | None = None) -> str:
    """Compute one process's week (`now`, ISO 8601, replays it as of another instant)."""
    snapshot = weekly_snapshot_compute(process_id=process_id, week=week, now=_instant(now))
    return f"{snapshot.week} as of {snapshot.as_of.isoformat()}"


@shared_task(name="metrics.tasks.weekly_snapshots_current", **RETRY)
def weekly_snapshots_current_task(now: str | None = None) -> list[str]:
    """Run by beat every 15 minutes: the week in progress of every process."""
    return weekly_snapshots_current(now=_instant(now))


@shared_task(name="metrics.tasks.weekly_snapshots_catch_up", **RETRY)
def weekly_snapshots_catch_up_task(now: str | None = None) -> list[str]:
    """Run by beat hourly: the week that just ended, and any of the last 12 missed."""
    return weekly_snapshots_catch_up(now=_instant(now))
