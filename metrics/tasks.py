from datetime import datetime

from celery import shared_task

from metrics.deadlines import deadline_scan
from metrics.services import heartbeat_record
from processes.services.approvals import approvals_escalate


@shared_task(name="metrics.tasks.worker_heartbeat")
def worker_heartbeat(name: str = "worker") -> str:
    """Proves a worker is consuming the broker: the health page shows the time it last ran."""
    beat = heartbeat_record(name=name)
    return beat.seen_at.isoformat()


@shared_task(
    name="metrics.tasks.deadline_scan",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def deadline_scan_task(now: str | None = None, batch_size: int = 2000, throttle: float = 0.0):
    """Run by beat every minute. `now` (ISO 8601) replays the scan at another instant."""
    instant = datetime.fromisoformat(now) if now else None
    return deadline_scan(now=instant, batch_size=batch_size, throttle=throttle)


@shared_task(
    name="metrics.tasks.approval_escalation_scan",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def approval_escalation_scan_task(now: str | None = None) -> int:
    """Run by beat every minute: pending approvals past their decision SLA escalate, once."""
    instant = datetime.fromisoformat(now) if now else None
    return approvals_escalate(now=instant)
