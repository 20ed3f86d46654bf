from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from goals.definitions import Cadence, GoalState, KeyResultKind, KRState
from metrics.catalogue import METRICS


class Goal(models.Model):
    """One of the company's 3-5 management goals for a period, with the processes it changes."""

    title = models.CharField(max_length=200)
    why = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_goals",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    processes = models.ManyToManyField("processes.Process", blank=True, related_name="goals")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The goal this one serves; blank: a company goal (goals/selectors/tree.py).",
    )
    cadence = models.CharField(
        max_length=10, choices=Cadence.choices, blank=True, help_text="The review that looks at it."
    )
    state = models.CharField(max_length=10, choices=GoalState.choices, default=GoalState.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="goal_period_ends_after_start",
                violation_error_message="The period must end after it starts.",
            ),
        ]
        indexes = [models.Index(fields=["state", "starts_on", "ends_on"], name="goal_active")]

    def __str__(self) -> str:
        return self.title


class KeyResult(models.Model):
    """A measurable result of a goal on one weekly figure of one process: a target to reach by
    a deadline, or a guardrail that must hold every week."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="key_results"
    )
    metric = models.CharField(max_length=50, help_text="A key of metrics.catalogue.METRICS.")
    dimension = models.CharField(
        max_length=200, blank=True, help_text="e.g. website for a channel; blank: the total."
    )
    kind = models.CharField(max_length=10, choices=KeyResultKind.choices)
    better = models.CharField(
        max_length=4,
        choices=[("up", "Up"), ("down", "Down")],
        help_text="Copied from the catalogue: a guardrail holds at least (up) or at most (down).",
    )
    target = models.FloatField(help_text="The target, or the guardrail's threshold.")
    deadline = models.DateField(null=True, blank=True)
    baseline = models.FloatField(null=True, blank=True)
    baseline_weeks = models.JSONField(
        default=list, blank=True, help_text="[[week, value or null]] the baseline was taken from."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["goal_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=KeyResultKind.GUARDRAIL, deadline__isnull=True)
                | Q(kind=KeyResultKind.TARGET, deadline__isnull=False),
                name="key_result_deadline_for_targets_only",
                violation_error_message="A target needs a deadline; a guardrail has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.goal})"

    @property
    def catalogue(self):
        return METRICS.get(self.metric)

    @property
    def label(self) -> str:
        label = self.catalogue.label if self.catalogue else self.metric
        return f"{label}, {self.dimension}" if self.dimension else label

    @property
    def unit(self) -> str:
        return self.catalogue.unit if self.catalogue else ""

    @property
    def is_guardrail(self) -> bool:
        return self.kind == KeyResultKind.GUARDRAIL


class KeyResultWeek(models.Model):
    """A key result's value, progress and state in one ISO week, from the stored snapshot.
    Recomputing the week updates this row in place."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="weeks")
    week = models.CharField(max_length=8)
    week_start = models.DateTimeField()
    complete = models.BooleanField(default=False)
    value = models.FloatField(null=True)
    progress = models.FloatField(null=True)
    state = models.CharField(max_length=10, choices=KRState.choices)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key_result_id", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["key_result", "week"], name="key_result_week_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key_result_id} {self.week}: {self.value} ({self.state})"


class CheckIn(models.Model):
    """The owner's dated word on a key result: confidence 0-10 and a comment."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goal_check_ins"
    )
    confidence = models.PositiveSmallIntegerField()
    comment = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key_result_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=10),
                name="check_in_confidence_0_10",
                violation_error_message="Confidence runs from 0 to 10.",
            ),
        ]
        indexes = [models.Index(fields=["key_result", "created_at"], name="check_in_latest")]

    def __str__(self) -> str:
        return f"{self.key_result_id} at {self.created_at:%Y-%m-%d}: {self.confidence}/10"


class CheckInReminder(models.Model):
    """The owner was told a key result's check-in is overdue: once per overdue spell, which
    the instant it fell due identifies (a new check-in moves it, and starts a new spell)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_in_reminders"
    )
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "due_at"], name="check_in_reminder_once_per_spell"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.key_result_id} due {self.due_at:%Y-%m-%d %H:%M}"
