"""What finance adds to the card page (the invoice with its payments, and finance's form to
record one) and the payment posted from it. Refusals come back as messages on the card page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from finance.forms import PaymentForm
from finance.models import Invoice
from finance.permissions import may_record_payment
from finance.services import payment_record, process_today
from opmodel.errors import DomainError, InvalidInput
from opmodel.forms import errors_as_messages
from processes.selectors import cards_visible_to


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
    card = cards_visible_to(request.user).filter(pk=card_id).first()
    if card is None:
        raise Http404("No such card.")
    form = PaymentForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form.errors)
    else:
        try:
            payment_record(actor=request.user, card=card, now=timezone.now(), **form.cleaned_data)
        except InvalidInput as exc:
            errors_as_messages(request, exc.errors)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Payment recorded.")
    return redirect(reverse("card-detail", args=[card.pk]) + "#invoice")
