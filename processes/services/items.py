"""Changing and removing a card's line items (adding is in cards.py). Each change is an event;
the card's denormalized totals move by the difference, in SQL, like an addition."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from opmodel.errors import InvalidInput
from processes.models import EventKind, LineItem, RequestCard
from processes.permissions import require_card_editor
from processes.services.approvals import approval_requests_sync
from processes.services.cards import _refuse_if_finished, check_version
from processes.services.events import event_record


def _totals_moved(card: RequestCard, *, count: int, price, cost, quantity, now) -> None:
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
