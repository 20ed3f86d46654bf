"""Finance records payments against a card's invoice: partial payments add up, and nothing may
ever pay more than the invoice's amount, even two payments at once."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from finance.models import Invoice, Payment
from finance.permissions import may_record_payment
from finance.services.invoices import process_today
from opmodel.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused
from opmodel.formatting import money_text


def _checked(*, invoice: Invoice, amount: Decimal, paid_on: date, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors["amount"] = ["Give an amount above zero."]
    elif amount > invoice.outstanding:
        errors["amount"] = [
            f"Only {money_text(invoice.outstanding)} of {money_text(invoice.amount)} is "
            f"outstanding on this invoice."
        ]
    if paid_on > today:
        errors["paid_on"] = ["A payment cannot be dated in the future."]
    if errors:
        raise InvalidInput(errors)


def payment_record(
    *,
    actor,
    card,
    amount: Decimal,
    paid_on: date,
    reference: str = "",
    now: datetime,
    invoice: Invoice | None = None,
) -> Payment:
    """Record a payment of `amount` paid on `paid_on` against the card's invoice.

    `invoice` is the invoice as the caller read it (loaded if not given): the amount is
    checked against its outstanding (400). The row is then locked and read again: a payment
    recorded meanwhile that leaves too little outstanding is a concurrent change (409), never
    an overpayment.
    """
    if not may_record_payment(actor, card):
        raise Forbidden("Only finance may record payments.")
    if invoice is None:
        invoice = Invoice.objects.filter(card_id=card.pk).first()
    if invoice is None:
        raise NotFound("This card has no invoice yet.")
    if invoice.voided_on is not None:
        raise Refused("The card was lost and its invoice voided: nothing is owed.")
    _checked(invoice=invoice, amount=amount, paid_on=paid_on, today=process_today(card, now))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if amount > locked.outstanding:
            raise Conflict(
                f"Another payment was recorded meanwhile: {money_text(locked.outstanding)} is "
                f"outstanding now. Reload and check before recording this one."
            )
        payment = Payment.objects.create(
            invoice=locked,
            amount=amount,
            paid_on=paid_on,
            reference=(reference or "").strip(),
            recorded_by=actor,
            recorded_at=now,
        )
        locked.paid += amount
        if locked.paid >= locked.amount:
            # Paid in full on the latest day paid (payments may be recorded out of order).
            locked.paid_in_full_on = max(
                paid_on, *locked.payments.values_list("paid_on", flat=True)
            )
        locked.save(update_fields=["paid", "paid_in_full_on"])
    invoice.paid, invoice.paid_in_full_on = locked.paid, locked.paid_in_full_on
    return payment
