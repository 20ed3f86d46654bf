"""An order card's invoice (issued by the invoicing move) and the payments finance records
against it (docs/design.md, "Vocabulary": Invoice and payment)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class InvoiceState(models.TextChoices):
    OPEN = "open", "Open"
    PARTLY_PAID = "partly_paid", "Partly paid"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    VOIDED = "voided", "Voided"


class Invoice(models.Model):
    """One invoice per card. `paid` is the sum of its payments, kept by the payment service
    under the invoice's row lock, so that the outstanding amount is one column away and two
    payments at once can never overpay (a constraint says so too)."""

    card = models.OneToOneField(
        "processes.RequestCard", on_delete=models.CASCADE, related_name="invoice"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    issued_on = models.DateField()
    due_on = models.DateField()
    # The terms as invoiced: the card's may change later, the invoice does not.
    payment_terms = models.CharField(max_length=10)
    deferred_days = models.PositiveSmallIntegerField(null=True, blank=True)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    paid_in_full_on = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_on = models.DateField(
        null=True, blank=True, help_text="The card was lost: nothing is owed any more."
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="invoice_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")),
                name="invoice_paid_within_amount",
                violation_error_message="Payments cannot exceed the invoice's amount.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")), name="invoice_due_not_before_issue"
            ),
        ]
        indexes = [
            # The receivables: invoices with money outstanding, by due date.
            models.Index(
                fields=["due_on", "id"],
                name="invoice_outstanding_due",
                condition=Q(paid_in_full_on__isnull=True, voided_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"invoice of card #{self.card_id}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    def state_on(self, today: date) -> str:
        """Voided from the day its card was lost (nothing is owed from then, whatever was
        paid); paid once nothing is outstanding; overdue once its due date has passed unpaid;
        otherwise partly paid or open."""
        if self.voided_on is not None and today >= self.voided_on:
            return InvoiceState.VOIDED
        if self.paid >= self.amount:
            return InvoiceState.PAID
        if today > self.due_on:
            return InvoiceState.OVERDUE
        return InvoiceState.PARTLY_PAID if self.paid > 0 else InvoiceState.OPEN

    def days_overdue_on(self, today: date) -> int:
        if self.state_on(today) != InvoiceState.OVERDUE:
            return 0
        return (today - self.due_on).days


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    reference = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["paid_on"], name="payment_paid_on")]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"
