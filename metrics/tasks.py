from celery import shared_task

from metrics.services import heartbeat_record


@shared_task(name="metrics.tasks.worker_heartbeat")
def worker_heartbeat(name: str = "worker") -> str:
    """Proves a worker is consuming the broker: the health page shows the time it last ran."""
    beat = heartbeat_record(name=name)
    return beat.seen_at.isoformat()
