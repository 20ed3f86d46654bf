from django.db import models
from django.db.models import Q
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """The last time a periodic job finished, by name: the health page reads it."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AlertLevel(models.TextChoices):
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class Alert(models.Model):
    """A card at risk or past its deadline, raised once per card, status visit and level.

    The unique key, not the code that writes, keeps an alert single: a scan delivered twice or
    two scans at once insert nothing the second time. `notified_at` stays empty until the
    notifications are written, so a scan that died between the two is finished by the next.
    """

    card = models.ForeignKey(
        "processes.RequestCard", on_delete=models.CASCADE, related_name="alerts"
    )
    status = models.CharField(max_length=50, help_text="Slug of the status the card was in.")
    visit = models.PositiveIntegerField(
        help_text="Which visit of the card to a status this is; 0 for the whole-process target."
    )
    level = models.CharField(max_length=10, choices=AlertLevel.choices)
    due_at = models.DateTimeField()
    raised_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "visit", "level"], name="alert_once_per_card_visit_level"
            ),
        ]
        indexes = [
            # The claim looks for alerts not yet notified; few at any time.
            models.Index(
                fields=["card"], condition=Q(notified_at__isnull=True), name="alert_unnotified"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: card {self.card_id} in {self.status}"


class WeeklySnapshot(models.Model):
    """One process's flow figures for one ISO week (metrics.flow.weekly_flow_metrics), as the
    dashboard and the API read them. Recomputing a week updates this row in place."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="weekly_snapshots"
    )
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W47.")
    week_start = models.DateTimeField(help_text="Monday 00:00 in the process's time zone.")
    week_end = models.DateTimeField()
    as_of = models.DateTimeField(help_text="The figures count events up to this instant.")
    complete = models.BooleanField(default=False, help_text="The week had ended when computed.")
    computed_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["process_id", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["process", "week"], name="weekly_snapshot_unique"),
        ]
        indexes = [
            models.Index(fields=["process", "week_start"], name="weekly_snapshot_start"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} {self.week}"


class WeeklyFigure(models.Model):
    """The snapshot's numbers in long form, one row per metric and dimension (a channel, a
    status, a reason; blank for a process total), for queries across weeks."""

    snapshot = models.ForeignKey(WeeklySnapshot, on_delete=models.CASCADE, related_name="rows")
    metric = models.CharField(max_length=80, help_text="e.g. intake.total, cycle_time.week.p85")
    dimension = models.CharField(max_length=200, blank=True)
    value = models.FloatField(null=True)

    class Meta:
        ordering = ["snapshot_id", "metric", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "metric", "dimension"], name="weekly_figure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}[{self.dimension}] = {self.value}"
