"""Heartbeats: the last time a periodic job finished, by name (the health page reads them)."""

from django.utils import timezone

from metrics.models import WorkerHeartbeat

HEARTBEAT_WORKER = "worker"
HEARTBEAT_DEADLINE_SCAN = "deadline_scan"


def heartbeat_record(*, name: str) -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return beat
