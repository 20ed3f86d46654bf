from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reviews.definitions import Level, ReviewState
from roles.models import RoleKind


class Rhythm(models.Model):
    """When a process holds one level of review, on its business calendar, and who runs it."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="rhythms"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    time_of_day = models.TimeField(help_text="Local time on the process's calendar.")
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Weekly and monthly: ISO weekday, 1 is Monday."
    )
    nth = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Monthly: which of the month's weekdays (1-4)."
    )
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    facilitator_kind = models.CharField(
        max_length=20, choices=RoleKind.choices, default=RoleKind.ACCOUNTABLE
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["process_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["process", "level"], name="rhythm_one_per_level"),
            models.CheckConstraint(
                condition=Q(level=Level.DAILY)
                | Q(level=Level.WEEKLY, weekday__gte=1, weekday__lte=7)
                | Q(level=Level.MONTHLY, weekday__gte=1, weekday__lte=7, nth__gte=1, nth__lte=4),
                name="rhythm_day_fits_level",
                violation_error_message="Weekly needs a weekday; monthly a weekday and its n-th.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} of {self.process_id} at {self.time_of_day:%H:%M}"


class Review(models.Model):
    """One meeting of the rhythm. While open its agenda is computed from live data; closing
    freezes it into `agenda`, with the notes and the items that carry over."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="reviews"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    held_on = models.DateField()
    scheduled_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_reviews",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="attended_reviews"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    agenda = models.JSONField(default=dict, blank=True, help_text="Frozen at close.")
    notes = models.JSONField(default=dict, blank=True, help_text="{item key: note}.")
    discussed = models.JSONField(
        default=list, blank=True, help_text="Item keys ticked as discussed (kept while open)."
    )
    carried = models.JSONField(
        default=list, blank=True, help_text="Items not discussed, for the next review."
    )
    no_decision = models.BooleanField(default=False)

    class Meta:
        ordering = ["-held_on", "level", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "level", "held_on"], name="review_one_per_level_and_day"
            ),
            models.CheckConstraint(
                condition=Q(state=ReviewState.OPEN, closed_at__isnull=True)
                | Q(state=ReviewState.CLOSED, closed_at__isnull=False),
                name="review_closed_has_closed_at",
            ),
        ]
        indexes = [models.Index(fields=["process", "level", "held_on"], name="review_latest")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} of {self.held_on}"

    @property
    def is_closed(self) -> bool:
        return self.state == ReviewState.CLOSED
