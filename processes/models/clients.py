"""Clients, shared by every process, and the segments they fall in (repeat sales: how often a
client of the segment usually orders, and who looks after the client)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ClientSegment(models.Model):
    """A kind of client as data (e.g. wholesale, retail), with the usual interval between its
    orders: a client past it without an order is due for reactivation (sales' scan)."""

    name = models.CharField(max_length=80, unique=True)
    order_interval_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="The usual number of days between a client's orders in this segment.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_interval_days__gte=1),
                name="client_segment_interval_positive",
                violation_error_message="The usual interval is at least one day.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    segment = models.ForeignKey(
        ClientSegment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        help_text="Blank: the client is not followed for repeat orders.",
    )
    # Who looks after the client's repeat orders: gets its reactivation cards. Must hold a
    # role in order to cash (processes.services.clients).
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_clients",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientSegmentChange(models.Model):
    """A change of a client's segment: who, when, from and to. The figures by segment read a
    client's segment as at an instant from these (the old segment of its first change at or
    after the instant, else its segment now), as they read a card's client from its events."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="segment_changes")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The history keeps the segments it names (a segment once used is not deleted).
    old_segment = models.ForeignKey(
        ClientSegment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_segment = models.ForeignKey(
        ClientSegment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["client", "at", "id"]
        indexes = [models.Index(fields=["client", "at"], name="client_segment_change_at")]

    def __str__(self) -> str:
        return f"{self.client}: {self.old_segment or '-'} -> {self.new_segment or '-'}"
