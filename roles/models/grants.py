from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q


class RoleKind(models.TextChoices):
    EXECUTOR = "executor", "Executor"
    ACCOUNTABLE = "accountable", "Accountable"
    APPROVER = "approver", "Approver"
    INFORMED = "informed", "Informed"
    ESCALATION = "escalation", "Escalation"


class InformedEvent(models.TextChoices):
    """What an informed grant can be told of (the "I" of RACI: told, not asked)."""

    AT_RISK = "at_risk", "A card comes close to its deadline"
    BREACHED = "breached", "A card passes its deadline"
    APPROVAL_DECIDED = "approval_decided", "An exception is approved or rejected"
    CARD_LOST = "card_lost", "A card is marked lost"
    DECISION_MADE = "decision_made", "A review records a decision"


def informed_events_default() -> list[str]:
    """What an informed person hears of unless their grant says otherwise: the outcomes that
    change the picture (breaches, exceptions decided, lost cards, decisions), not the warnings
    that the people doing the work handle."""
    return [
        InformedEvent.BREACHED,
        InformedEvent.APPROVAL_DECIDED,
        InformedEvent.CARD_LOST,
        InformedEvent.DECISION_MADE,
    ]


class ProcessRole(models.Model):
    """A process role granted to one user or one group in one process (not a job title)."""

    # The process by its id, not a ForeignKey: roles sits below processes, and a relation would
    # make roles' models and migrations depend on processes while processes imports roles
    # (docs/design.md, "Decisions"). processes, above, keeps grants in step with its processes:
    # it deletes a process's grants with it and, on PostgreSQL, adds a foreign key constraint.
    process_id = models.BigIntegerField(db_index=True, verbose_name="process")
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="process_roles",
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="process_roles"
    )
    authority = models.CharField(
        max_length=50,
        blank=True,
        help_text="Approvers: which exceptions this grant decides, by the rules' authority "
        "(e.g. manager, finance). Blank: every exception of the process.",
    )
    informed_of = models.JSONField(
        default=informed_events_default,
        blank=True,
        help_text="Informed grants: the events this grant is told of, among "
        + ", ".join(InformedEvent.values)
        + ". Other kinds ignore it.",
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, group__isnull=True)
                    | Q(user__isnull=True, group__isnull=False)
                ),
                name="process_role_user_xor_group",
                violation_error_message="Grant the role to a user or to a group, not both.",
            ),
            models.UniqueConstraint(
                fields=["process_id", "kind", "user"],
                condition=Q(user__isnull=False),
                name="process_role_unique_user",
            ),
            models.UniqueConstraint(
                fields=["process_id", "kind", "group"],
                condition=Q(group__isnull=False),
                name="process_role_unique_group",
            ),
        ]
        ordering = ["process_id", "kind"]

    def __str__(self) -> str:
        holder = self.user or self.group
        # Without the process: roles knows it by id only; pages name it beside the grant.
        return f"{holder} is {self.get_kind_display().lower()}"
