"""The card page's exception route: ask for an exception no rule foresees
(processes/services/exceptions.py)."""

from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from processes.forms import ExceptionForm
from processes.services.exceptions import exception_ask
from processes.views.card import card_action


@require_POST
def card_exception(request, card_id: int):
    done = {}

    def act(card, data):
        done["asked"] = exception_ask(
            actor=request.user,
            card=card,
            ask=data["ask"],
            why=data["why"],
            reason=data["reason"],
            now=timezone.now(),
        )

    def success(card) -> str:
        asked = done["asked"]
        return f"Asked: {asked.ask}. {asked.approver_text.capitalize()} decides."

    return card_action(
        request,
        card_id,
        key="exception",
        form=ExceptionForm(request.POST),
        act=act,
        success=success,
        redirect_to=reverse("card-detail", args=[card_id]) + "#h-exceptions",
    )
