"""A form posted from a panel that an app above adds to the card page (stock's lines, finance's
payment, service's complaint): the card's page again, with the outcome said at its top and the
panel in view. Unlike `card_action` (processes' own forms, re-rendered with their errors), the
page the panel belongs to is drawn by processes, so the errors travel as messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from opmodel.errors import DomainError, InvalidInput
from opmodel.forms import errors_as_messages
from processes.views.card import card_or_404


def card_panel_post(
    request,
    card_id: int,
    *,
    form,
    act,
    success: str,
    anchor: str,
    forbidden_page: bool = False,
):
    """Run `act(card, cleaned_data)` for the bound `form` on a card the user may see (404
    otherwise), and go back to the card's page at `#anchor`. `forbidden_page`: a refusal for
    want of a role is the 403 page rather than a message (the panel was never offered)."""
    card = card_or_404(request.user, card_id)
    if not form.is_valid():
        errors_as_messages(request, form.errors)
    else:
        try:
            act(card, form.cleaned_data)
        except InvalidInput as exc:
            errors_as_messages(request, exc.errors)
        except DomainError as exc:
            if forbidden_page and exc.http_status == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect(reverse("card-detail", args=[card.pk]) + f"#{anchor}")
