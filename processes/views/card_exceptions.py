"""The card page's exception route: ask for an exception no rule foresees
(processes/services/exceptions.py)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from opmodel.errors import DomainError, InvalidInput
from opmodel.forms import add_form_errors
from processes.forms import ExceptionForm
from processes.services.exceptions import exception_ask
from processes.views.card import _render_card, card_or_404


@require_POST
def card_exception(request, card_id: int):
    card = card_or_404(request.user, card_id)
    form = ExceptionForm(request.POST)
    if not form.is_valid():
        return _render_card(request, card_id, status=400, bound={"exception": form})
    try:
        asked = exception_ask(
            actor=request.user,
            card=card,
            ask=form.cleaned_data["ask"],
            why=form.cleaned_data["why"],
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except InvalidInput as exc:
        add_form_errors(form, exc.errors)
        return _render_card(request, card_id, status=exc.http_status, bound={"exception": form})
    except DomainError as exc:
        return _render_card(request, card_id, status=exc.http_status, error=exc)
    messages.success(request, f"Asked: {asked.ask}. {asked.approver_text.capitalize()} decides.")
    return redirect(reverse("card-detail", args=[card_id]) + "#h-exceptions")
