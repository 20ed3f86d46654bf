"""Hand-built invoices and payments (no moves): the figures and lists read only these rows."""

from decimal import Decimal

from finance.models import Invoice, Payment


def invoice(card, amount, issued, due, *, voided=None) -> Invoice:
    return Invoice.objects.create(
        card=card,
        amount=Decimal(amount),
        issued_on=issued,
        due_on=due,
        payment_terms="deferred" if due > issued else "prepaid",
        deferred_days=(due - issued).days or None,
        voided_on=voided,
    )


def payment(inv: Invoice, amount, paid_on, *, reference="") -> Payment:
    made = Payment.objects.create(
        invoice=inv, amount=Decimal(amount), paid_on=paid_on, reference=reference
    )
    inv.paid += Decimal(amount)
    if inv.paid >= inv.amount:
        inv.paid_in_full_on = paid_on
    inv.save(update_fields=["paid", "paid_in_full_on"])
    return made
