"""SLA policies and the card's SLA clock.

The clock is a handful of denormalized columns on the card, kept by the services in the same
transaction as the move that changes them:
- `sla_allowance`: business seconds the current status visit may take (null: no policy);
- `sla_consumed`: business seconds used while the clock ran, up to `sla_resumed_at`;
- `sla_resumed_at`: when the clock last started running (null while paused: blocked, or in a
  status that waits on the customer);
- `due_at` / `at_risk_at`: the instants the allowance / the at-risk share run out if the clock
  keeps running (null while paused or without a policy). The deadline scan reads only these.
Pausing adds the business time used so far to `sla_consumed`; resuming computes new instants
from what is left, so a pause pushes the deadline out by exactly the paused business time.
"""

from datetime import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from processes.calendars import WorkingTime, process_calendar


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


def working_time_for(process) -> WorkingTime:
    """The process's calendar as arithmetic (built per operation, so always current)."""
    return WorkingTime.for_calendar(process_calendar(process))


def policy_for(card, status) -> SLAPolicy | None:
    policies = {
        p.priority: p
        for p in SLAPolicy.objects.filter(
            process_id=card.process_id, status=status, priority__in=[card.priority, ""]
        )
    }
    return policies.get(card.priority) or policies.get("")


def _set_instants(card, wt: WorkingTime, now: datetime) -> None:
    if card.sla_allowance is None or card.sla_resumed_at is None:
        card.due_at = card.at_risk_at = None
        return
    left = card.sla_allowance - card.sla_consumed
    risk_left = card.sla_allowance * card.sla_at_risk_percent / 100 - card.sla_consumed
    card.due_at = wt.add(now, left) if left > 0 else now
    card.at_risk_at = wt.add(now, risk_left) if risk_left > 0 else now


def sla_enter_status(card, status, now: datetime) -> None:
    """A new visit of `status` starts: a fresh allowance from its policy."""
    policy = policy_for(card, status)
    card.sla_visit = (card.sla_visit or 0) + 1
    card.sla_consumed = 0
    card.sla_allowance = policy.allowance_minutes * 60 if policy and not status.final else None
    card.sla_at_risk_percent = policy.at_risk_percent if policy else 75
    paused = card.is_blocked or status.waiting_on_customer
    card.sla_resumed_at = None if paused or card.sla_allowance is None else now
    _set_instants(card, working_time_for(card.process), now)


def sla_pause(card, now: datetime) -> None:
    if card.sla_resumed_at is None:
        return
    wt = working_time_for(card.process)
    card.sla_consumed += wt.between(card.sla_resumed_at, now)
    card.sla_resumed_at = None
    _set_instants(card, wt, now)


def sla_resume(card, status, now: datetime) -> None:
    if card.sla_allowance is None or card.sla_resumed_at is not None:
        return
    if card.is_blocked or status.waiting_on_customer:
        return
    card.sla_resumed_at = now
    _set_instants(card, working_time_for(card.process), now)


def sla_reprioritize(card, status, now: datetime) -> None:
    """A new priority may have another allowance; the business time used so far stays used."""
    policy = policy_for(card, status)
    wt = working_time_for(card.process)
    if card.sla_resumed_at is not None:
        card.sla_consumed += wt.between(card.sla_resumed_at, now)
        card.sla_resumed_at = now
    card.sla_allowance = policy.allowance_minutes * 60 if policy and not status.final else None
    card.sla_at_risk_percent = policy.at_risk_percent if policy else 75
    if card.sla_allowance is None:
        card.sla_resumed_at = None
    elif card.sla_resumed_at is None and not (card.is_blocked or status.waiting_on_customer):
        card.sla_resumed_at = now
    _set_instants(card, wt, now)


def sla_state(card, now: datetime) -> str | None:
    """On track, at risk or breached, from the columns alone (no calendar, no query)."""
    if card.sla_allowance is None:
        return None
    if card.sla_resumed_at is not None:
        if now >= card.due_at:
            return SLAState.BREACHED
        if now >= card.at_risk_at:
            return SLAState.AT_RISK
        return SLAState.ON_TRACK
    if card.sla_consumed >= card.sla_allowance:
        return SLAState.BREACHED
    if card.sla_consumed * 100 >= card.sla_allowance * card.sla_at_risk_percent:
        return SLAState.AT_RISK
    return SLAState.ON_TRACK


# The card columns the clock keeps; a service that saves with update_fields includes these.
SLA_FIELDS = [
    "sla_visit",
    "sla_allowance",
    "sla_consumed",
    "sla_at_risk_percent",
    "sla_resumed_at",
    "due_at",
    "at_risk_at",
]
