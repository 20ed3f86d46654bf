"""What stock adds to the card page (a panel beside the lines, a mark on the board's tiles) and
the actions posted from that panel. Refusals come back as a message on the card page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from opmodel.errors import DomainError, InvalidInput
from processes.models import LineItem
from processes.permissions import require_card_editor
from processes.selectors import cards_visible_to
from stock.forms import ItemChangeForm, StockItemForm
from stock.models import Product, StockLine
from stock.selectors import card_availability, short_card_ids
from stock.services.lines import stock_item_add, stock_item_change, stock_item_remove
from stock.services.reservations import card_lines_reserve


def card_stock_panel(request, card, *, may_edit: bool):
    availability = card_availability(card)
    if not availability["lines"] and not may_edit:
        return ""
    return render_to_string(
        "stock/_card_stock.html",
        {
            "card": card,
            "availability": availability,
            "may_edit": may_edit and card.process.slug != "purchasing",
            "products": Product.objects.only("sku", "name") if may_edit else [],
        },
        request=request,
    )


def short_marks(card_ids: list[int]) -> dict[int, str]:
    return {card_id: "Short of stock" for card_id in short_card_ids(card_ids)}


def _card(request, card_id):
    card = cards_visible_to(request.user).filter(pk=card_id).first()
    if card is None:
        raise Http404("No such card.")
    return card


def _back(card_id):
    return redirect(reverse("card-detail", args=[card_id]) + "#stock")


def _refused(request, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput):
        for field, errors in exc.errors.items():
            for error in errors:
                messages.error(request, f"{field}: {error}")
    else:
        messages.error(request, exc.message)


@require_POST
def card_reserve(request, card_id: int):
    card = _card(request, card_id)
    try:
        require_card_editor(request.user, card.process_id, "reserve stock")
        card_lines_reserve(actor=request.user, card=card, now=timezone.now())
    except DomainError as exc:
        _refused(request, exc)
        return _back(card_id)
    state = card_availability(card)["state"]
    messages.success(request, f"Reserved: {state}.")
    return _back(card_id)


@require_POST
def item_add(request, card_id: int):
    card = _card(request, card_id)
    form = StockItemForm(request.POST)
    if not form.is_valid():
        _refused(request, InvalidInput({f: list(e) for f, e in form.errors.items()}))
        return _back(card_id)
    data = form.cleaned_data
    try:
        stock_item_add(
            actor=request.user,
            card=card,
            sku=data["sku"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            unit_cost=data["unit_cost"],
            expected_version=data["version"],
            at=timezone.now(),
        )
    except DomainError as exc:
        _refused(request, exc)
        return _back(card_id)
    messages.success(request, "Stock line added.")
    return _back(card_id)


@require_POST
def item_change(request, card_id: int, item_id: int):
    card = _card(request, card_id)
    item = get_object_or_404(LineItem.objects.select_related("card"), pk=item_id, card=card)
    if not StockLine.objects.filter(item=item).exists():
        raise Http404("No such stock line.")
    form = ItemChangeForm(request.POST)
    if not form.is_valid():
        _refused(request, InvalidInput({f: list(e) for f, e in form.errors.items()}))
        return _back(card_id)
    try:
        if form.cleaned_data["remove"]:
            stock_item_remove(actor=request.user, item=item, at=timezone.now())
            messages.success(request, "Line removed.")
        elif form.cleaned_data["quantity"] is not None:
            changes = {"quantity": form.cleaned_data["quantity"]}
            stock_item_change(actor=request.user, item=item, changes=changes, at=timezone.now())
            messages.success(request, "Line changed.")
    except DomainError as exc:
        _refused(request, exc)
    return _back(card_id)
