"""The finance app's data: a card's invoice and the payments against it. Import from here."""

from finance.models.invoices import Invoice, InvoiceState, Payment

__all__ = ["Invoice", "InvoiceState", "Payment"]
