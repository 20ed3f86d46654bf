from datetime import datetime

from celery import shared_task

from sales.services import reactivation_scan

# The scan is idempotent (one open reactivation per client is a unique index): a task delivered
# twice or two beats at once open each card once. Acknowledged late, retried with backoff.
RETRY = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(name="sales.tasks.reactivation_scan", **RETRY)
def reactivation_scan_task(now: str | None = None) -> dict:
    """Run by beat every hour: `now` (ISO 8601) replays the scan at another instant."""
    return reactivation_scan(now=datetime.fromisoformat(now) if now else None)
