"""SLA policies (time allowed per status) and whole-process targets, with the clock's states.

The clock that runs against them lives in processes/sla.py, the business-time arithmetic in
processes/business_time.py.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class SLAState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class SLAPolicy(models.Model):
    """Business time allowed in a status, per process, status and (optionally) priority."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="sla_policies"
    )
    status = models.ForeignKey(
        "processes.Status", on_delete=models.CASCADE, related_name="sla_policies"
    )
    priority = models.CharField(
        max_length=10, blank=True, help_text="Blank: any priority without its own policy."
    )
    allowance_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Business minutes allowed in the status."
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Share of the allowance used at which the card is at risk.",
    )

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["process_id", "status__order", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "status", "priority"], name="sla_policy_unique"
            ),
            models.CheckConstraint(
                condition=Q(at_risk_percent__gte=1) & Q(at_risk_percent__lte=99),
                name="sla_policy_at_risk_1_99",
            ),
        ]

    def __str__(self) -> str:
        who = self.priority or "any priority"
        return f"{self.status}: {self.allowance_minutes} business min ({who})"


class ProcessTarget(models.Model):
    """A whole-process target: business time from creation until the card reaches a status
    (order to cash: fulfilled). Pauses like the status clock; stops at the target or a final
    status."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="targets"
    )
    target_status = models.ForeignKey(
        "processes.Status",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The clock stops when the card reaches this status or any later one.",
    )
    priority = models.CharField(
        max_length=10, blank=True, help_text="Blank: any priority without its own target."
    )
    allowance_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    at_risk_percent = models.PositiveSmallIntegerField(
        default=75, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )

    class Meta:
        ordering = ["process_id", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["process", "priority"], name="process_target_unique"),
        ]

    def __str__(self) -> str:
        who = self.priority or "any priority"
        return (
            f"{self.process}: to {self.target_status.name} in {self.allowance_minutes} min ({who})"
        )
