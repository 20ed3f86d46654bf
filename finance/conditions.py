"""What finance offers processes: named conditions, effects and a deadline source (registered
in finance.registrations at start-up; processes never imports this app)."""

from datetime import datetime, time, timedelta

from finance.models import Invoice
from finance.services.invoices import invoice_issue, invoice_void
from opmodel.formatting import day_text, money_text
from processes.calendars import process_zone
from processes.models import PaymentTerms, RequestCard


def _invoice(card: RequestCard) -> Invoice | None:
    return Invoice.objects.filter(card_id=card.pk, voided_on__isnull=True).first()


def _owed(invoice: Invoice) -> str:
    return f"{money_text(invoice.outstanding)} of {money_text(invoice.amount)} is outstanding"


def prepaid_paid_in_full(card: RequestCard, **_) -> str | None:
    """Prepaid goods ship once the invoice is paid in full (deferred ones ship at once)."""
    invoice = _invoice(card)
    if invoice is None or invoice.payment_terms != PaymentTerms.PREPAID:
        return None
    if invoice.outstanding <= 0:
        return None
    return f"Prepaid: {_owed(invoice)} on the invoice. Ship once it is paid in full."


def paid_in_full(card: RequestCard, **_) -> str | None:
    invoice = _invoice(card)
    if invoice is None or invoice.outstanding <= 0:
        return None
    return (
        f"Not paid: {_owed(invoice)} on the invoice (due {day_text(invoice.due_on)}). "
        f"Close once it is paid in full."
    )


def invoice_due(*, card: RequestCard, now: datetime, **_) -> datetime | None:
    """The card waits for its money until the end of the invoice's due date, in the process's
    zone (midnight after it: an invoice due on the 20th is overdue on the 21st). None when
    nothing is owed, so the status's own SLA applies (a paid prepaid card: close it)."""
    invoice = _invoice(card)
    if invoice is None or invoice.outstanding <= 0:
        return None
    # Local midnight exists in every zone the calendars use; zoneinfo gives its offset.
    return datetime.combine(
        invoice.due_on + timedelta(days=1), time(0), tzinfo=process_zone(card.process)
    )


def issue_invoice(*, card, actor, now, **_) -> None:
    invoice_issue(card=card, actor=actor, now=now)


def void_invoice(*, card, now, **_) -> None:
    invoice_void(card=card, now=now)
