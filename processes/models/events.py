"""The card's append-only history."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from processes.models.cards import RequestCard


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    TRANSITION = "transition", "Transition"
    BLOCK = "block", "Blocked"
    UNBLOCK = "unblock", "Unblocked"
    ASSIGNMENT = "assignment", "Assignment"
    HANDOFF = "handoff", "Handed to a stage role"
    FIELD_CHANGE = "field_change", "Field change"
    ITEM_ADDED = "item_added", "Line item added"
    ITEM_CHANGED = "item_changed", "Line item changed"
    ITEM_REMOVED = "item_removed", "Line item removed"
    STOCK = "stock", "Stock reserved or released"
    LINKED = "linked", "Card linked"
    DOCUMENT_ADDED = "document_added", "Document added"
    DOCUMENT_REMOVED = "document_removed", "Document removed"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    APPROVAL_DECIDED = "approval_decided", "Approval decided"
    APPROVAL_WITHDRAWN = "approval_withdrawn", "Approval withdrawn"
    APPROVAL_ESCALATED = "approval_escalated", "Approval escalated"
    COMMENT = "comment", "Comment"
    # The promise to the client (processes/promises.py): set or changed (with a reason), a
    # spell at risk announced and ended, kept or missed at shipment.
    PROMISE_CHANGED = "promise_changed", "Promised date changed"
    PROMISE_AT_RISK = "promise_at_risk", "Promise at risk"
    PROMISE_ON_TRACK = "promise_on_track", "Promise back on track"
    PROMISE_OUTCOME = "promise_outcome", "Promise kept or missed"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Events are append-only.")

    def delete(self):
        raise PermissionError("Events are append-only.")


class Event(models.Model):
    """Append-only history of a card: metrics are computed from it; nothing rewrites it."""

    card = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=50, blank=True)
    to_status = models.CharField(max_length=50, blank=True)
    transition = models.CharField(max_length=50, blank=True)
    comment = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["card", "at"], name="event_card_at"),
            # The events of a kind in a week: promise outcomes and risks, assignments (the
            # weekly figures read them each week; without it, every event of every card).
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            # The client changes after an instant (sales/selectors/orders.py, each week of the
            # backfill): without it, every field change after the week.
            models.Index(
                fields=["at"],
                name="event_client_change_at",
                condition=models.Q(kind="field_change", data__field="client"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on card {self.card_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Events are append-only.")
