"""A process as data: its statuses, the transitions between them and its block reasons."""

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from processes.conditions import CONDITIONS
from processes.deadlines import DEADLINE_SOURCES
from processes.effects import EFFECTS
from roles.models import ProcessRole, RoleKind


class Process(models.Model):
    """One stream of work. Statuses, transitions and block reasons are rows, not code."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    input = models.CharField(max_length=200, blank=True, help_text="What starts the process.")
    output = models.CharField(max_length=200, blank=True, help_text="What the process delivers.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_processes",
    )
    is_active = models.BooleanField(default=True)
    calendar = models.ForeignKey(
        "processes.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processes",
        help_text="Business hours its SLAs count in. Blank: the standard office hours.",
    )
    # A new UUID whenever a row of the definition changes (processes/definition.py).
    definition_version = models.UUIDField(default=uuid.uuid4, editable=False)
    documents_when_finished = models.BooleanField(
        default=True,
        help_text="Documents may still be uploaded to a finished card (a signed delivery note, "
        "a paid invoice); everything else on a finished card is read-only.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"

    def __str__(self) -> str:
        return self.name


def _validate_deadline_source(value):
    if value and value not in DEADLINE_SOURCES:
        names = ", ".join(DEADLINE_SOURCES) or "none"
        raise ValidationError(f"Give a deadline source from: {names}.")


class StatusOutcome(models.TextChoices):
    WON = "won", "Won"
    LOST = "lost", "Lost"


class StageAssignment(models.TextChoices):
    QUEUE = "queue", "Wait in the stage role's queue (unassigned)"
    LEAST_LOADED = "least_loaded", "Assign the least loaded holder"


class Status(models.Model):
    """A state of the card. Its meaning for the metrics is data too: a final status may be an
    outcome (won or lost), and one status per process may be the commitment point."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="statuses")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    final = models.BooleanField(default=False, help_text="Cards here are finished.")
    next_action = models.CharField(
        max_length=200, blank=True, help_text="What the responsible person does next here."
    )
    waiting_on_customer = models.BooleanField(
        default=False, help_text="The SLA clock pauses while a card is here."
    )
    outcome = models.CharField(
        max_length=10,
        choices=StatusOutcome.choices,
        blank=True,
        help_text="For a final status: whether a card finished here is won or lost (win rate).",
    )
    commitment_point = models.BooleanField(
        default=False,
        help_text="A card entering this status is agreed: its margin and discount are measured "
        "here. At most one status per process.",
    )
    deadline_source = models.CharField(
        max_length=50,
        blank=True,
        validators=[_validate_deadline_source],
        help_text="Where the deadline of a visit comes from instead of a fixed allowance "
        "(e.g. invoice_due: the invoice's due date); blank: the SLA policy.",
    )
    # The stage role (docs/design.md, "Handoffs by stage"): a group granted a role in the
    # process executes this status; entering it hands the card to that group.
    stage_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The group that executes this status (e.g. Warehouse). Entering it hands the "
        "card to the group; only its members (and the accountable) move the card on from here. "
        "The group needs a role in this process.",
    )
    stage_assignment = models.CharField(
        max_length=20,
        choices=StageAssignment.choices,
        default=StageAssignment.QUEUE,
        help_text="With a stage group: who gets a card handed to the group.",
    )

    class Meta:
        ordering = ["process_id", "order", "id"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="status_unique_slug"),
            models.UniqueConstraint(
                fields=["process"],
                condition=Q(commitment_point=True),
                name="status_one_commitment_point",
                violation_error_message="A process has one commitment point at most.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(final=True),
                name="status_outcome_only_final",
                violation_error_message="Only a final status has an outcome.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process.slug}: {self.name}" if self.process_id else self.name

    def clean(self):
        if self.outcome and not self.final:
            raise ValidationError({"outcome": "Only a final status has an outcome."})
        if self.stage_group_id and self.process_id:
            granted = ProcessRole.objects.filter(
                process_id=self.process_id, group_id=self.stage_group_id
            )
            if not granted.exists():
                raise ValidationError(
                    {"stage_group": "Grant this group a role in the process first (executor)."}
                )


def _validate_role_kinds(value):
    if not isinstance(value, list) or not all(v in RoleKind.values for v in value):
        raise ValidationError(f"Give a list of process roles from: {', '.join(RoleKind.values)}.")


def _validate_condition_names(value):
    if not isinstance(value, list) or not all(v in CONDITIONS for v in value):
        raise ValidationError(f"Give a list of conditions from: {', '.join(CONDITIONS)}.")


def _validate_effect_names(value):
    if not isinstance(value, list) or not all(v in EFFECTS for v in value):
        raise ValidationError(f"Give a list of effects from: {', '.join(EFFECTS) or 'none'}.")


def default_transition_roles():
    return [RoleKind.EXECUTOR.value, RoleKind.ACCOUNTABLE.value]


class Transition(models.Model):
    """A named move from any of `sources` to `target`, for the roles and under the conditions."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="transitions")
    name = models.SlugField(max_length=50, help_text="Used in the API, e.g. qualify.")
    label = models.CharField(max_length=80, help_text="Button text, e.g. Qualify.")
    sources = models.ManyToManyField(Status, related_name="outgoing")
    target = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="incoming")
    allowed_roles = models.JSONField(
        default=default_transition_roles,
        validators=[_validate_role_kinds],
        help_text="Process roles that may make this move.",
    )
    conditions = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_condition_names],
        help_text="Conditions the card must meet, by name.",
    )
    effects = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_effect_names],
        help_text="What the move also does, by name, in its transaction (e.g. reserve_stock).",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["process_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "name"], name="transition_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.process.slug}: {self.name}" if self.process_id else self.name

    def clean(self):
        if self.target_id and self.process_id and self.target.process_id != self.process_id:
            raise ValidationError({"target": "The target status belongs to another process."})


class BlockReason(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="block_reasons")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["process_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="block_reason_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name
