"""A reactivation: a card of the reactivation process opened for a client who has not ordered
within the usual interval of its segment."""

from django.db import models
from django.db.models import Q

from processes.models import Client, ClientSegment, RequestCard


class ReactivationOutcome(models.TextChoices):
    WON = "won", "Won: the client ordered"
    LOST = "lost", "Lost: no order"


class Reactivation(models.Model):
    """One reactivation card of one client. Open while `closed_at` is empty.

    One open reactivation per client is a database constraint (the partial unique index
    below), not a check before the insert: two scans at once, or a scan delivered twice, meet
    it and the later one's card is rolled back (sales.services.reactivation_scan)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="reactivations")
    card = models.OneToOneField(RequestCard, on_delete=models.CASCADE, related_name="reactivation")
    # The segment when the card was opened: the figures by segment read it as it was then.
    segment = models.ForeignKey(
        ClientSegment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The client's last order the scan found (None: the client never ordered).
    last_order_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ReactivationOutcome.choices, blank=True)
    # The order card that won it.
    order_card = models.ForeignKey(
        RequestCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(closed_at__isnull=True),
                name="reactivation_one_open_per_client",
                violation_error_message="The client has an open reactivation already.",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(closed_at__isnull=False) & ~Q(outcome=""),
                name="reactivation_outcome_when_closed",
                violation_error_message="A closed reactivation has an outcome, an open one none.",
            ),
        ]
        indexes = [models.Index(fields=["closed_at"], name="reactivation_closed_at")]

    def __str__(self) -> str:
        return f"Reactivation of {self.client} (#{self.card_id})"
