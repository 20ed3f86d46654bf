"""What finance adds to the card page (the invoice with its payments, and finance's form to
record one) and the payment posted from it. Refusals come back as messages on the card page."""

from django.template.loader import render_to_string
from django.utils import timezone

from finance.forms import PaymentForm
from finance.models import Invoice
from finance.permissions import may_record_payment
from finance.services import payment_record, process_today
from processes.views.card_panels import card_panel_view


def card_invoice_panel(request, card, *, may_edit: bool):
    invoice = Invoice.objects.filter(card_id=card.pk).prefetch_related("payments").first()
    if invoice is None:
        return ""
    now = timezone.now()
    today = process_today(card, now)
    return render_to_string(
        "finance/_card_invoice.html",
        {
            "card": card,
            "invoice": invoice,
            "state": invoice.state_on(today),
            "today": today,
            "may_pay": invoice.voided_on is None
            and invoice.outstanding > 0
            and may_record_payment(request.user, card),
        },
        request=request,
    )


payment_new = card_panel_view(
    PaymentForm, payment_record, success="Payment recorded.", anchor="invoice"
)
