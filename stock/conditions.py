"""What stock offers processes: named conditions and effects on transitions (registered in
StockConfig.ready; processes never imports this app)."""

from django.db.models import F

from processes.models import RequestCard
from stock.models import StockLine
from stock.services.movements import purchase_close, purchase_has_receipt
from stock.services.reservations import (
    card_lines_consume,
    card_lines_release,
    card_lines_reserve,
)


def quantity_text(value) -> str:
    """3.000 reads as 3, 2.500 as 2.5."""
    return f"{value.normalize():f}"


def stock_reserved_in_full(card: RequestCard, **_) -> str | None:
    short = list(
        StockLine.objects.filter(card=card, consumed=False, reserved__lt=F("quantity"))
        .select_related("item")
        .order_by("id")
    )
    if not short:
        return None
    links = list(
        card.links_out.filter(kind="purchase", target__purchase_need__is_open=True)
        .order_by("target_id")
        .values_list("target_id", flat=True)
    )
    named = "; ".join(
        f"{line.item.product}: {quantity_text(line.quantity - line.reserved)} of "
        f"{quantity_text(line.quantity)} short"
        for line in short
    )
    waiting = f" (purchase card {', '.join(f'#{i}' for i in links)})" if links else ""
    return f"Stock is short: {named}{waiting}. Reserve it in full first."


def has_receipt(card: RequestCard, **_) -> str | None:
    return None if purchase_has_receipt(card) else "Record the receipt of this purchase first."


def reserve_stock(*, card, actor, now, **_) -> None:
    card_lines_reserve(actor=actor, card=card, now=now)


def release_stock(*, card, actor, now, transition, **_) -> None:
    card_lines_release(actor=actor, card=card, now=now, why=transition)


def consume_stock(*, card, actor, now, **_) -> None:
    card_lines_consume(actor=actor, card=card, now=now)


def close_purchase(*, card, actor, now, **_) -> None:
    purchase_close(card=card, actor=actor, now=now)
