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
from opmodel.forms import errors_as_messages
from processes.models import LineItem
from processes.permissions import require_card_editor
from processes.views.card import card_action, card_or_404
from processes.views.card_panels import card_panel_view
from stock.forms import ItemChangeForm, StockItemForm, TextItemForm
from stock.models import Product, StockLine
from stock.selectors import card_availability, short_card_ids
from stock.services.lines import (
    card_has_shipped,
    stock_item_add,
    stock_item_change,
    stock_item_remove,
)
from stock.services.reservations import card_lines_reserve


def card_stock_panel(request, card, *, may_edit: bool):
    """Availability and reserve beside the lines, then the free-text lines' forms. Read from
    what the card page prefetched (items, events) and the card's stock lines: no query for
    the free-text lines."""
    availability = card_availability(card)
    may_edit = may_edit and card.process.slug != "purchasing"
    if not availability["lines"] and not may_edit:
        return ""
    stock_items = {line["item"] for line in availability["lines"]}
    html = render_to_string(
        "stock/_card_stock.html",
        {
            "card": card,
            "availability": availability,
            "may_edit": may_edit,
            "products": Product.objects.only("sku", "name") if may_edit else [],
        },
        request=request,
    )
    if may_edit:
        text_items = [item for item in card.items.all() if item.pk not in stock_items]
        html += _text_items_panel(request, card, text_items)
    return html


def _text_items_panel(request, card, items) -> str:
    """The card's free-text lines (services, non-stock goods), each with a form to change or
    remove it while the card has not shipped; a refused form comes back with its field errors
    (`text_item_change` leaves it on the request)."""
    if not items:
        return ""
    bound = getattr(request, "stock_text_forms", {})
    rows = [
        (
            item,
            bound.get(item.pk)
            or TextItemForm(
                prefix=f"text{item.pk}",
                initial={
                    "version": card.version,
                    "quantity": item.quantity,
                    "unit_price": item.unit_price,
                    "unit_cost": item.unit_cost,
                },
            ),
        )
        for item in items
    ]
    return render_to_string(
        "stock/_card_text_items.html",
        {"card": card, "rows": rows, "shipped": card_has_shipped(card)},
        request=request,
    )


def short_marks(card_ids: list[int]) -> dict[int, str]:
    return {card_id: "Short of stock" for card_id in short_card_ids(card_ids)}


def _back(card_id):
    return redirect(reverse("card-detail", args=[card_id]) + "#stock")


def _refused(request, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput):
        errors_as_messages(request, exc.errors)
    else:
        messages.error(request, exc.message)


@require_POST
def card_reserve(request, card_id: int):
    card = card_or_404(request.user, card_id)
    try:
        require_card_editor(request.user, card.process_id, "reserve stock")
        card_lines_reserve(actor=request.user, card=card, now=timezone.now())
    except DomainError as exc:
        _refused(request, exc)
        return _back(card_id)
    state = card_availability(card)["state"]
    messages.success(request, f"Reserved: {state}.")
    return _back(card_id)


def _item_add(*, actor, card, now, version, **line):
    return stock_item_add(actor=actor, card=card, expected_version=version, at=now, **line)


item_add = card_panel_view(StockItemForm, _item_add, success="Stock line added.", anchor="stock")


@require_POST
def text_item_change(request, card_id: int, item_id: int):
    """Change or remove a free-text line from the card page, through the stock services (the
    shipped card's rule); field errors re-render the card page with the line's form."""
    card = card_or_404(request.user, card_id)
    item = get_object_or_404(LineItem.objects.select_related("card"), pk=item_id, card=card)
    if StockLine.objects.filter(item=item).exists():
        raise Http404("No such free-text line.")
    form = TextItemForm(request.POST, prefix=f"text{item.pk}")
    request.stock_text_forms = {item.pk: form}

    def act(card, data):
        try:
            change(data, timezone.now())
        except DomainError as exc:
            if not isinstance(exc, InvalidInput):
                request.stock_text_forms = {}  # a conflict or refusal shows fresh forms
            raise

    def change(data, now):
        if data["remove"]:
            stock_item_remove(
                actor=request.user, item=item, expected_version=data["version"], at=now
            )
            return
        changes = {name: data[name] for name in ("quantity", "unit_price", "unit_cost")}
        stock_item_change(
            actor=request.user,
            item=item,
            changes=changes,
            expected_version=data["version"],
            at=now,
        )

    return card_action(
        request,
        card_id,
        key="stock_text_item",
        form=form,
        act=act,
        success=lambda card: "Line removed." if form.cleaned_data["remove"] else "Line changed.",
        redirect_to=reverse("card-detail", args=[card_id]) + "#text-items",
    )


@require_POST
def item_change(request, card_id: int, item_id: int):
    card = card_or_404(request.user, card_id)
    item = get_object_or_404(LineItem.objects.select_related("card"), pk=item_id, card=card)
    if not StockLine.objects.filter(item=item).exists():
        raise Http404("No such stock line.")
    form = ItemChangeForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form.errors)
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
