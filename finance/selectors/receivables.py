"""The receivables: invoices with money outstanding, overdue first, their aging and the totals
per client. Two queries whatever the number of invoices (the rows, and nothing else: aging and
totals are added up from them)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from finance.definitions import AGING_BUCKETS, aging_bucket
from finance.models import Invoice


def card_invoice(card) -> Invoice | None:
    return Invoice.objects.filter(card_id=card.pk).first()


@dataclass(frozen=True)
class Receivable:
    invoice: Invoice
    outstanding: Decimal
    days_overdue: int
    bucket: str

    @property
    def card(self):
        return self.invoice.card


def receivables(
    *, process_ids, today: date, overdue_only: bool = False, client_id: int | None = None
) -> list[Receivable]:
    """Invoices of the processes with money outstanding on `today` (voided ones aside), the
    most overdue first (the earliest due date), then by card."""
    invoices = Invoice.objects.filter(
        card__process_id__in=process_ids,
        paid_in_full_on__isnull=True,
        voided_on__isnull=True,
    ).select_related("card__client")
    if overdue_only:
        invoices = invoices.filter(due_on__lt=today)
    if client_id is not None:
        invoices = invoices.filter(card__client_id=client_id)
    rows = []
    for invoice in invoices.order_by("due_on", "card_id"):
        days = invoice.days_overdue_on(today)
        rows.append(Receivable(invoice, invoice.outstanding, days, aging_bucket(days)))
    return rows


def receivables_summary(rows: list[Receivable]) -> dict:
    """Aging buckets (outstanding and count) and the totals per client, largest first."""
    buckets = {key: {"key": key, "label": label, "amount": Decimal(0), "count": 0}
               for key, label, *_ in AGING_BUCKETS}  # fmt: skip
    clients: dict[str, dict] = {}
    for row in rows:
        buckets[row.bucket]["amount"] += row.outstanding
        buckets[row.bucket]["count"] += 1
        name = row.card.client.name if row.card.client_id else "No client"
        total = clients.setdefault(
            name, {"client": name, "outstanding": Decimal(0), "overdue": Decimal(0), "count": 0}
        )
        total["outstanding"] += row.outstanding
        total["count"] += 1
        if row.days_overdue > 0:
            total["overdue"] += row.outstanding
    return {
        "buckets": list(buckets.values()),
        "clients": sorted(clients.values(), key=lambda c: (-c["outstanding"], c["client"])),
        "total": sum((r.outstanding for r in rows), Decimal(0)),
        "overdue": sum((r.outstanding for r in rows if r.days_overdue > 0), Decimal(0)),
    }
