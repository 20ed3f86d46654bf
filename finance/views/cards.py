"""What finance adds to the card page (the invoice with its payments, and finance's form to
record one) and the payment posted from it. Refusals come back as messages on the card page."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from finance.forms import PaymentForm
from finance.models import Invoice
from finance.permissions import may_record_payment
from finance.services import payment_record, process_today
from processes.views.card_panels import card_panel_post


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


@require_POST
def payment_new(request, card_id: int):
    return card_panel_post(
        request,
        card_id,
        form=PaymentForm(request.POST),
        act=lambda card, data: payment_record(
            actor=request.user, card=card, now=timezone.now(), **data
        ),
        success="Payment recorded.",
        anchor="invoice",
    )
