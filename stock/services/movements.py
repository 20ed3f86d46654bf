"""The warehouse's movements: counts, receipts and adjustments, each a ledger row with who,
when and why, and the counter moved with it in the same transaction."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from opmodel.errors import Forbidden, InvalidInput
from processes.models import RequestCard
from stock.models import (
    Movement,
    MovementKind,
    Product,
    PurchaseNeed,
    Stock,
    StockLine,
    Warehouse,
)
from stock.services.locking import stocks_lock
from stock.services.purchasing import needs_recount, shortages_to_purchase, waiting_notify
from stock.services.reservations import waiting_fill

MOVABLE = {MovementKind.COUNT, MovementKind.RECEIPT, MovementKind.ADJUSTMENT}


def may_move_stock(user) -> bool:
    """The warehouse role: the group holding stock.move_stock, or staff."""
    return bool(user.is_authenticated and (user.is_staff or user.has_perm("stock.move_stock")))


def require_warehouse(user) -> None:
    if not may_move_stock(user):
        raise Forbidden("Only the warehouse (or staff) may move stock.")


def product_by_sku(sku: str, *, field: str = "sku") -> Product:
    product = Product.objects.filter(sku=(sku or "").strip()).first()
    if product is None:
        raise InvalidInput({field: [f"There is no product with the SKU {sku!r}."]})
    return product


def warehouse_by_code(code: str | None, *, field: str = "warehouse") -> Warehouse:
    if not code:
        warehouse = Warehouse.objects.order_by("id").first()
        if warehouse is None:
            raise InvalidInput({field: ["There is no warehouse yet."]})
        return warehouse
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise InvalidInput({field: [f"There is no warehouse with the code {code!r}."]})
    return warehouse


def quantity_check(product: Product, quantity: Decimal, *, field: str = "quantity") -> None:
    if product.unit_whole and quantity != quantity.to_integral_value():
        raise InvalidInput({field: [f"{product.sku} is counted in whole {product.unit}."]})


def stock_move(
    *,
    actor,
    sku: str,
    warehouse: str,
    quantity: Decimal,
    kind: str,
    reason: str = "",
    purchase_card: int | None = None,
    now: datetime,
) -> Movement:
    """Record a count (quantity = what was counted), a receipt (quantity > 0) or an adjustment
    (a signed change). A receipt fills waiting shortages oldest first; no movement may take on
    hand below what is reserved."""
    require_warehouse(actor)
    if kind not in MOVABLE:
        raise InvalidInput({"kind": ["Choose count, receipt or adjustment."]})
    product = product_by_sku(sku)
    place = warehouse_by_code(warehouse)
    quantity_check(product, quantity)
    if kind == MovementKind.RECEIPT and quantity <= 0:
        raise InvalidInput({"quantity": ["A receipt brings a positive quantity."]})
    if kind == MovementKind.COUNT and quantity < 0:
        raise InvalidInput({"quantity": ["A count cannot be negative."]})
    card = None
    if purchase_card is not None:
        card = RequestCard.objects.filter(pk=purchase_card, purchase_need__isnull=False).first()
        if card is None or kind != MovementKind.RECEIPT:
            raise InvalidInput({"purchase_card": ["Name a purchase card, with a receipt."]})
    with transaction.atomic():
        stock = stocks_lock([(product.pk, place.pk)])[(product.pk, place.pk)]
        delta = quantity - stock.on_hand if kind == MovementKind.COUNT else quantity
        if stock.on_hand + delta < stock.reserved:
            raise InvalidInput(
                {
                    "quantity": [
                        f"On hand would fall to {stock.on_hand + delta}, under the "
                        f"{stock.reserved} reserved for cards."
                    ]
                }
            )
        stock.on_hand += delta
        movement = Movement.objects.create(
            product=product,
            warehouse=place,
            kind=kind,
            quantity=delta,
            reason=(reason or "").strip(),
            actor=actor,
            at=now,
            card=card,
        )
        filled = waiting_fill(stock, now)
        Stock.objects.filter(pk=stock.pk).update(on_hand=stock.on_hand, reserved=stock.reserved)
        needs_recount(product_ids={product.pk})
        waiting_notify(lines=filled, now=now)
    return movement


def purchase_has_receipt(card) -> bool:
    return Movement.objects.filter(card=card, kind=MovementKind.RECEIPT).exists()


def purchase_close(*, card, actor, now: datetime, **_) -> list[int]:
    """The purchase card is received or cancelled. Lines of its product still short (a
    cancelled purchase, or a receipt that did not cover them all) are not left uncovered: they
    open the product's next purchase card at once, linked to their order cards, and purchasing
    hears of it. Returns the new purchase card ids (none when nothing waits)."""
    closed = list(PurchaseNeed.objects.filter(card=card, is_open=True))
    if not closed:
        return []
    PurchaseNeed.objects.filter(pk__in=[need.pk for need in closed]).update(is_open=False)
    waiting = list(
        StockLine.objects.filter(
            product_id__in={need.product_id for need in closed}, short__gt=0, consumed=False
        )
        .select_related("product")
        .order_by("short_since", "id")
    )
    return shortages_to_purchase(actor=actor, lines=waiting, now=now)
