"""The rule history: every recorded change to a process's definition is a version (who, when,
what changed in words, the whole document after it). Kept for good: a process with versions is
not deleted, nor is a version (processes/versions.py writes them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DefinitionVersion(models.Model):
    process = models.ForeignKey(
        "processes.Process", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank: a change made outside the recorded paths (a migration, the shell).",
    )
    changes = models.JSONField(default=list, help_text="What changed, one sentence each.")
    document = models.JSONField(help_text="The process document after the change.")

    class Meta:
        ordering = ["process_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="definition_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} v{self.number}"
