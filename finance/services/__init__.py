"""Writes of finance: issuing and voiding invoices (effects of moves), recording payments."""

from finance.services.invoices import invoice_issue, invoice_void, process_today
from finance.services.payments import payment_record

__all__ = ["invoice_issue", "invoice_void", "payment_record", "process_today"]
