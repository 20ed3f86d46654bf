from django.db import models
from django.utils import timezone

from processes.models import RequestCard
from service.definitions import Reason


class Complaint(models.Model):
    """What makes a card of customer service a complaint: why the client complains and, for a
    return, what comes back. The order it is about is a card link (kind `complaint`)."""

    card = models.OneToOneField(RequestCard, on_delete=models.CASCADE, related_name="complaint")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    returned = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a return: what the client sends back (blank: nothing is returned).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["reason"], name="complaint_reason")]

    def __str__(self) -> str:
        return f"Complaint #{self.card_id}: {self.get_reason_display()}"
