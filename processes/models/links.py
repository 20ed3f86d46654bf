from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from processes.models.cards import RequestCard


class CardLink(models.Model):
    """A link between two cards, of any processes, with a kind (e.g. `purchase`: the purchase
    card `target` brings what the order card `source` waits for). Both cards show it."""

    source = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="links_in")
    kind = models.SlugField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="card_link_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="card_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"#{self.source_id} {self.kind} #{self.target_id}"
