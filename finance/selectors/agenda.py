"""The daily agenda's list of overdue invoices (registered with metrics.agenda): the process
whose cards are invoiced, i.e. the one finance works in, lists them, the most overdue first."""

from django.urls import reverse

from finance.selectors.receivables import receivables
from opmodel.formatting import day_text, money_text
from processes.definition import process_definition


def invoices_issued_by(process) -> bool:
    """Whether a move of the process issues invoices (read from the held definition)."""
    return any(
        "issue_invoice" in t.effects for t in process_definition(process).transitions.values()
    )


def overdue_agenda_items(process, *, now, today) -> list[dict] | None:
    if not invoices_issued_by(process):
        return None
    rows = receivables(process_ids=[process.pk], today=today, overdue_only=True)
    return [
        {
            "key": f"invoice:{row.invoice.pk}",
            "text": f"#{row.card.pk} {row.card.title}"
            + (f" ({row.card.client.name})" if row.card.client_id else ""),
            "detail": f"{money_text(row.outstanding)} overdue {row.days_overdue} day"
            f"{'s' if row.days_overdue != 1 else ''}, due {day_text(row.invoice.due_on)}",
            "url": reverse("card-detail", args=[row.card.pk]) + "#invoice",
            "tone": "worse",
        }
        for row in rows
    ]
