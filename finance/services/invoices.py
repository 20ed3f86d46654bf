"""An invoice is issued by the invoicing move (effect `issue_invoice`) and voided when the card
is lost (effect `void_invoice`): both run inside the move's transaction."""

from datetime import date, datetime, timedelta

from finance.models import Invoice
from processes.calendars import process_zone
from processes.models import PaymentTerms, RequestCard


def process_today(card: RequestCard, now: datetime) -> date:
    """The day it is at `now` where the card's process works (its calendar's zone): invoices
    are issued, fall due and are paid on local days."""
    return now.astimezone(process_zone(card.process)).date()


def due_date(*, issued_on: date, payment_terms: str, deferred_days: int | None) -> date:
    """Prepaid: due at issue. Deferred: issued on plus the payment days (calendar days)."""
    if payment_terms == PaymentTerms.DEFERRED and deferred_days:
        return issued_on + timedelta(days=deferred_days)
    return issued_on


def invoice_issue(*, card: RequestCard, actor, now: datetime, **_) -> Invoice:
    """The card's invoice for its net total (one per card: a card invoiced again keeps it)."""
    existing = Invoice.objects.filter(card_id=card.pk).first()
    if existing is not None:
        return existing
    issued_on = process_today(card, now)
    amount = card.net_total
    return Invoice.objects.create(
        card=card,
        amount=amount,
        paid_in_full_on=issued_on if amount <= 0 else None,  # nothing to pay
        issued_on=issued_on,
        due_on=due_date(
            issued_on=issued_on,
            payment_terms=card.payment_terms,
            deferred_days=card.deferred_days,
        ),
        payment_terms=card.payment_terms,
        deferred_days=card.deferred_days,
        issued_at=now,
        issued_by=actor,
    )


def invoice_void(*, card: RequestCard, now: datetime, **_) -> None:
    """A lost card owes nothing: its invoice leaves the receivables (payments stay recorded)."""
    Invoice.objects.filter(card_id=card.pk, voided_on__isnull=True).update(
        voided_on=process_today(card, now)
    )
