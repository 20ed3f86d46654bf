from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reviews.definitions import Changes, DecisionState, Effect, Expected, RuleKind


class Decision(models.Model):
    """What a review decided: to be done by an owner by a date, and what it changes."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="decisions")
    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_decisions"
    )
    due_on = models.DateField()
    item_key = models.CharField(
        max_length=100, blank=True, help_text="The agenda item it answers, if any."
    )
    changes = models.CharField(max_length=10, choices=Changes.choices, default=Changes.ACTION)
    rule_kind = models.CharField(max_length=20, choices=RuleKind.choices, blank=True)
    rule_id = models.PositiveIntegerField(null=True, blank=True)
    metric = models.CharField(
        max_length=50, blank=True, help_text="A key of metrics.catalogue.METRICS."
    )
    key_result = models.ForeignKey(
        "goals.KeyResult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    expected = models.CharField(max_length=4, choices=Expected.choices, blank=True)
    state = models.CharField(
        max_length=10, choices=DecisionState.choices, default=DecisionState.OPEN
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text="Local date it was closed.")
    note = models.TextField(blank=True, help_text="Done: what was done.")
    reason = models.TextField(blank=True, help_text="Dropped: why.")
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # A decision that changes a rule links the version of the definition that carried it out
    # (processes' rule history), or says why there is none, when it is marked done.
    version = models.ForeignKey(
        "processes.DefinitionVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    no_version_reason = models.TextField(
        blank=True, help_text="Done without a version: why no rule version carried it out."
    )
    effect = models.CharField(max_length=10, choices=Effect.choices, blank=True)
    effect_reviewed_in = models.ForeignKey(
        "reviews.Review", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(changes=Changes.RULE) | ~Q(rule_kind=""),
                name="decision_rule_names_its_kind",
                violation_error_message="A decision that changes a rule says which kind.",
            ),
            models.CheckConstraint(
                condition=Q(state=DecisionState.OPEN, closed_at__isnull=True)
                | Q(state__in=[DecisionState.DONE, DecisionState.DROPPED], closed_at__isnull=False),
                name="decision_closed_has_closed_at",
            ),
        ]
        indexes = [
            # The overdue scan: open decisions not yet told overdue, by due date.
            models.Index(
                fields=["due_on"],
                condition=Q(state="open", overdue_notified_at__isnull=True),
                name="decision_unnotified_open",
            ),
            models.Index(fields=["owner", "state"], name="decision_owner_state"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def done_on_time(self) -> bool | None:
        if self.state != DecisionState.DONE or self.closed_on is None:
            return None
        return self.closed_on <= self.due_on

    def is_overdue_on(self, today) -> bool:
        return self.state == DecisionState.OPEN and self.due_on < today

    @property
    def expectation_text(self) -> str:
        """What the decision should move, in words ("Lead time, 85th percentile: expected
        lower"); the key result's label when it follows one."""
        from metrics.catalogue import metric_words

        if self.metric:
            return metric_words(self.metric, self.expected)
        if self.key_result_id and self.expected:
            return f"{self.key_result.label}: expected {self.get_expected_display().lower()}"
        return ""

    @property
    def version_number(self) -> int | None:
        return self.version.number if self.version_id else None

    @property
    def tracks_metric(self) -> bool:
        return bool(self.metric or self.key_result_id) and bool(self.expected)
