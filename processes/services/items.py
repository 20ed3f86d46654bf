"""Changing and removing a card's line items (adding is in cards.py). Each change is an event;
the card's denormalized totals move by the difference, in SQL, like an addition."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.db.models import F
from django.utils import timezone

from opmodel.errors import InvalidInput
from processes.models import EventKind, LineItem, RequestCard
from processes.permissions import require_card_editor
from processes.services.approvals import approval_requests_sync
from processes.services.cards import _refuse_if_finished, check_version
from processes.services.events import event_record


def _totals_moved(card: RequestCard, *, count: int, price, cost, quantity, now) -> None:
    # Additive and atomic in SQL, so two people changing a card's items at once both count.
    RequestCard.objects.filter(pk=card.pk).update(
        items_count=F("items_count") + count,
        items_price_total=F("items_price_total") + price,
        items_cost_total=F("items_cost_total") + cost,
        items_quantity_total=F("items_quantity_total") + quantity,
        version=F("version") + 1,
        updated_at=now,
    )


def card_item_change(
    *,
    actor,
    item: LineItem,
    changes: dict,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> LineItem:
    """Change a line's quantity, price or cost (the product stays: remove and add instead)."""
    now = at or timezone.now()
    card = item.card
    require_card_editor(actor, card.process_id, "change line items")
    check_version(card, expected_version)
    _refuse_if_finished(card, "line items")
    before = {f: getattr(item, f) for f in ("quantity", "unit_price", "unit_cost")}
    old_price, old_cost = item.line_price, item.line_cost
    for field in before:
        if field in changes:
            setattr(item, field, changes[field])
    try:
        item.full_clean(exclude=["card"])
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc
    changed = {
        f: (str(v), str(getattr(item, f))) for f, v in before.items() if v != getattr(item, f)
    }
    if not changed:
        return item
    with transaction.atomic():
        item.save(update_fields=list(changed))
        _totals_moved(
            card,
            count=0,
            price=item.line_price - old_price,
            cost=item.line_cost - old_cost,
            quantity=item.quantity - before["quantity"],
            now=now,
        )
        event_record(
            card=card,
            kind=EventKind.ITEM_CHANGED,
            actor=actor,
            at=now,
            data={"item": item.pk, "product": item.product, "changes": changed},
        ).save()
        card.refresh_from_db()
        approval_requests_sync(card=card, actor=actor, now=now)
    return item


def card_item_remove(
    *, actor, item: LineItem, expected_version: int | None = None, at: datetime | None = None
) -> None:
    now = at or timezone.now()
    card = item.card
    require_card_editor(actor, card.process_id, "remove line items")
    check_version(card, expected_version)
    _refuse_if_finished(card, "line items")
    with transaction.atomic():
        _totals_moved(
            card,
            count=-1,
            price=-item.line_price,
            cost=-item.line_cost,
            quantity=-item.quantity,
            now=now,
        )
        event_record(
            card=card,
            kind=EventKind.ITEM_REMOVED,
            actor=actor,
            at=now,
            data={"item": item.pk, "product": item.product, "quantity": str(item.quantity)},
        ).save()
        item.delete()
        card.refresh_from_db()
        approval_requests_sync(card=card, actor=actor, now=now)


__all__ = ["card_item_change", "card_item_remove"]


# The card's totals columns (max_digits, decimal_places): a total the column cannot hold
# would fail in the database (PostgreSQL's DataError), after every item was valid on its own.
ITEM_TOTAL_LIMITS = {
    "items_price_total": ("the line items' price total", 14, 2),
    "items_cost_total": ("the line items' cost total", 14, 2),
    "items_quantity_total": ("the line items' quantity total", 15, 3),
}


def _check_item_totals(card: RequestCard, item: LineItem) -> None:
    added = {
        "items_price_total": item.line_price,
        "items_cost_total": item.line_cost,
        "items_quantity_total": item.quantity,
    }
    errors = {}
    for field, (words, digits, places) in ITEM_TOTAL_LIMITS.items():
        total = getattr(card, field) + added[field]
        if abs(total) >= Decimal(10) ** (digits - places):
            limit = Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)
            errors.setdefault(_ITEM_FIELD_FOR[field], []).append(
                f"This item would bring {words} to {total:,}, over the largest a card holds "
                f"({limit:,})."
            )
    if errors:
        raise InvalidInput(errors)


_ITEM_FIELD_FOR = {
    "items_price_total": "unit_price",
    "items_cost_total": "unit_cost",
    "items_quantity_total": "quantity",
}


def card_item_add(
    *,
    actor,
    card: RequestCard,
    product: str,
    quantity: Decimal,
    unit_price: Decimal,
    unit_cost: Decimal,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> LineItem:
    now = at or timezone.now()
    require_card_editor(actor, card.process_id, "add line items")
    check_version(card, expected_version)
    _refuse_if_finished(card, "line items")
    item = LineItem(
        card=card,
        product=(product or "").strip(),
        quantity=quantity,
        unit_price=unit_price,
        unit_cost=unit_cost,
    )
    try:
        item.full_clean(exclude=["card"])
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc
    _check_item_totals(card, item)
    try:
        with transaction.atomic():
            _item_save(actor=actor, card=card, item=item, now=now)
    except DataError as exc:
        # Items added by someone else since this card was read brought a total over the limit.
        raise InvalidInput(
            {"non_field_errors": ["The card's line item totals would be too large."]}
        ) from exc
    return item


def _item_save(*, actor, card: RequestCard, item: LineItem, now: datetime) -> None:
    item.save()
    _totals_moved(
        card,
        count=1,
        price=item.line_price,
        cost=item.line_cost,
        quantity=item.quantity,
        now=now,
    )
    event_record(
        card=card,
        kind=EventKind.ITEM_ADDED,
        actor=actor,
        at=now,
        data={
            "product": item.product,
            "quantity": str(item.quantity),
            "unit_price": str(item.unit_price),
            "unit_cost": str(item.unit_cost),
        },
    ).save()
    # The new totals (margin, quantity) may meet or leave an exception rule: read as they are
    # now, with what others changed meanwhile, and given to the caller's card too.
    fresh = RequestCard.objects.get(pk=card.pk)
    for field in RequestCard._meta.concrete_fields:
        if field.attname != "status":  # the FSM's to set, by a transition
            setattr(card, field.attname, getattr(fresh, field.attname))
    approval_requests_sync(card=fresh, actor=actor, now=now)
