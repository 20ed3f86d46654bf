from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """The last time a periodic job finished, by name: the health page reads it."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
