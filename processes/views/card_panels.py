"""The forms posted from the panels that apps above add to the card page (stock's lines,
finance's payment, service's complaint): the card's page again, with the outcome said at its top
and the panel in view. Unlike `card_action` (processes' own forms, re-rendered with their
errors), the page the panel belongs to is drawn by processes, so the errors travel as messages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from opmodel.errors import DomainError, InvalidInput
from opmodel.forms import errors_as_messages
from processes.views.card import card_or_404


def card_panel_view(form_class, service, *, success: str, anchor: str, forbidden_page=False):
    """The view of a panel's form: `service(actor=, card=, now=, **cleaned_data)` on a card the
    user may see (404 otherwise), then back to the card's page at `#anchor`. `forbidden_page`:
    a refusal for want of a role is the 403 page rather than a message (the panel offered no
    form to that person, so someone posting it did not come from the page)."""

    @require_POST
    def view(request, card_id: int):
        card = card_or_404(request.user, card_id)
        form = form_class(request.POST)
        if not form.is_valid():
            errors_as_messages(request, form.errors)
        else:
            try:
                service(actor=request.user, card=card, now=timezone.now(), **form.cleaned_data)
            except InvalidInput as exc:
                errors_as_messages(request, exc.errors)
            except DomainError as exc:
                if forbidden_page and exc.http_status == 403:
                    raise PermissionDenied(exc.message) from exc
                messages.error(request, exc.message)
            else:
                messages.success(request, success)
        return redirect(reverse("card-detail", args=[card.pk]) + f"#{anchor}")

    return view
