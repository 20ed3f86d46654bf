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
