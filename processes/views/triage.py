"""Triage from the lists: assign a card, one action on many cards, and saved views."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from processes import selectors, services
from processes.forms import AssignForm, BulkForm, TakeForm
from processes.models import SavedView, SavedViewPage
from processes.services.handoffs import card_take
from processes.views.card import card_action, service_act


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def card_assign(request, card_id: int):
    """Assign to me or to a person, from the card page, a board tile or a risks row; checked by
    the card edit service. Refusals show the card page with the reason."""

    def success(card):
        if card.responsible is None:
            return f"#{card.pk} has nobody responsible now."
        name = card.responsible.get_full_name() or card.responsible.get_username()
        return f"#{card.pk} is assigned to {name}."

    return card_action(
        request,
        card_id,
        key="assign",
        form=AssignForm(request.POST, user=request.user),
        act=lambda card, data: services.card_update(
            actor=request.user,
            card=card,
            changes={"responsible": data["responsible"]},
            expected_version=data["version"],
        ),
        success=success,
        redirect_to=_next_url(request, reverse("card-detail", args=[card_id])),
    )


@require_POST
def card_take_view(request, card_id: int):
    """ "Take it" from a stage role's queue or the card page: the card becomes the taker's.
    Someone faster, or a member of another stage, is told why on the card page (409, 403)."""
    return card_action(
        request,
        card_id,
        key="take",
        form=TakeForm(request.POST),
        act=service_act(request, card_take),
        success=lambda card: f"#{card.pk} is yours now.",
        redirect_to=_next_url(request, reverse("card-detail", args=[card_id])),
    )


@require_POST
def cards_bulk(request):
    """One action on the ticked cards; each card is checked on its own, refusals listed by card."""
    back = _next_url(request, reverse("queue"))
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        # Said on the page the person came from (nothing ticked, no reason given), not on a
        # bare page of its own: the list and its filters stay where they were.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Nothing was changed: {error}")
        return redirect(back)
    data = form.cleaned_data
    cards = list(selectors.cards_visible_to(request.user).filter(pk__in=data["card"]))
    result = services.cards_bulk_apply(
        actor=request.user,
        cards=cards,
        action=data["action"],
        responsible=data.get("person"),
        reason=data.get("reason") or "",
        note=data.get("note") or "",
        target=data.get("target") or "",
        now=timezone.now(),
    )
    for missing in sorted(set(data["card"]) - {c.pk for c in cards}):
        result.refused[missing] = "No such card."
    if result.done:
        count = len(result.done)
        messages.success(request, f"{count} card{'s' if count != 1 else ''} changed.")
    for card_id, reason in sorted(result.refused.items()):
        messages.error(request, f"#{card_id} refused: {reason}")
    return redirect(back)


PAGE_URLS = {
    SavedViewPage.BOARD: "board",
    SavedViewPage.QUEUE: "queue",
    SavedViewPage.RISKS: "risks",
}


@require_POST
def saved_view_create(request):
    page = request.POST.get("page", "")
    name = (request.POST.get("name") or "").strip()
    query = (request.POST.get("query") or "").lstrip("?")
    errors = []
    if page not in PAGE_URLS:
        errors.append("Unknown page.")
    if not name or len(name) > 80:
        errors.append("Give the view a name of at most 80 characters.")
    if len(query) > 1000:
        errors.append("These filters are too long to save.")
    back = reverse(PAGE_URLS.get(page, "board")) + (f"?{query}" if query else "")
    if errors:
        return render(
            request, "processes/bulk_refused.html", {"errors": errors, "back": back}, status=400
        )
    try:
        # The unique constraint decides, not a look before: two "Save view" at once would both
        # see no such name and the second insert would fail (a 500).
        with transaction.atomic():
            SavedView.objects.create(user=request.user, page=page, name=name, query=query)
    except IntegrityError:
        errors = [f"You already have a view named “{name}” here."]
        return render(
            request, "processes/bulk_refused.html", {"errors": errors, "back": back}, status=409
        )
    messages.success(request, f"View “{name}” saved.")
    return redirect(reverse(PAGE_URLS[page]) + (f"?{query}" if query else ""))


@require_POST
def saved_view_delete(request, view_id: int):
    view = SavedView.objects.filter(user=request.user, pk=view_id).first()
    if view is None:
        return render(
            request,
            "processes/bulk_refused.html",
            {"errors": ["No such saved view."], "back": reverse("board")},
            status=404,
        )
    view.delete()
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect(PAGE_URLS[view.page])
