"""Reads of stock: a card's availability, the stock table, a product's ledger, the check."""

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from processes.models import CardLink
from stock.models import Movement, PurchaseNeed, Stock, StockLine

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=15, decimal_places=3))


def card_availability(card) -> dict:
    """{state: none|partial|full, lines: [...], purchase_cards: [id], purchase_pending} in two
    queries (three when a line is short)."""
    lines = list(
        StockLine.objects.filter(card=card)
        .select_related("product", "item")
        .annotate(
            on_hand=Coalesce(
                Subquery(
                    Stock.objects.filter(
                        product_id=OuterRef("product_id"), warehouse_id=OuterRef("warehouse_id")
                    ).values("on_hand")[:1]
                ),
                ZERO,
            ),
            stock_reserved=Coalesce(
                Subquery(
                    Stock.objects.filter(
                        product_id=OuterRef("product_id"), warehouse_id=OuterRef("warehouse_id")
                    ).values("reserved")[:1]
                ),
                ZERO,
            ),
        )
        .order_by("id")
    )
    # The purchase cards it waits for: open ones (a cancelled or received one stays a link).
    linked = set(
        CardLink.objects.filter(
            source=card, kind="purchase", target__purchase_need__is_open=True
        ).values_list("target_id", flat=True)
    )
    # A shortage's purchase card is raised by a worker after the reservation: until it links
    # this card, the product's open purchase card (if there is one yet) is named, and
    # `purchase_pending` says that it is being raised.
    short_products = {line.product_id for line in lines if line.short > 0 and not line.consumed}
    open_needs = (
        dict(
            PurchaseNeed.objects.filter(product_id__in=short_products, is_open=True).values_list(
                "product_id", "card_id"
            )
        )
        if short_products
        else {}
    )
    purchase_cards = sorted(linked | set(open_needs.values()))
    purchase_pending = any(open_needs.get(p) not in linked for p in short_products)
    rows = []
    for line in lines:
        rows.append(
            {
                "item": line.item_id,
                "sku": line.product.sku,
                "name": line.product.name,
                "quantity": line.quantity,
                "on_hand": line.on_hand,
                "reserved_by_others": line.stock_reserved - line.reserved,
                "available": line.on_hand - line.stock_reserved,
                "reserved": line.reserved,
                "short": line.short,
                "short_since": line.short_since,
                "shipped": line.consumed,
            }
        )
    total = sum((line.quantity for line in lines), Decimal(0))
    held = sum((line.reserved for line in lines), Decimal(0))
    state = "none" if held == 0 else ("full" if held >= total else "partial")
    if lines and all(line.consumed for line in lines):
        state = "full"
    return {
        "state": state,
        "lines": rows,
        "purchase_cards": purchase_cards,
        "purchase_pending": purchase_pending,
    }


def short_card_ids(card_ids) -> set[int]:
    return set(
        StockLine.objects.filter(card_id__in=card_ids, short__gt=0, consumed=False).values_list(
            "card_id", flat=True
        )
    )


def stock_rows(*, sku: str = "", warehouse: str = ""):
    """Stock per product and place with available and incoming (open purchase cards)."""
    incoming = (
        PurchaseNeed.objects.filter(product_id=OuterRef("product_id"), is_open=True)
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values("total")[:1]
    )
    rows = (
        Stock.objects.select_related("product", "warehouse")
        .annotate(
            available_now=F("on_hand") - F("reserved"),
            incoming=Coalesce(Subquery(incoming), ZERO),
        )
        .order_by("product__sku", "warehouse__code")
    )
    if sku:
        rows = rows.filter(product__sku=sku)
    if warehouse:
        rows = rows.filter(warehouse__code=warehouse)
    return rows


def product_ledger(product):
    return Movement.objects.filter(product=product).select_related("warehouse", "actor", "card")


def _text(value) -> str:
    return f"{Decimal(value).normalize():f}"


def stock_mismatches() -> list[dict]:
    """Places whose counters differ from the ledger (on hand) or the lines (reserved)."""
    ledger = (
        Movement.objects.filter(
            product_id=OuterRef("product_id"), warehouse_id=OuterRef("warehouse_id")
        )
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values("total")[:1]
    )
    held = (
        StockLine.objects.filter(
            product_id=OuterRef("product_id"),
            warehouse_id=OuterRef("warehouse_id"),
            consumed=False,
        )
        .values("product_id")
        .annotate(total=Sum("reserved"))
        .values("total")[:1]
    )
    rows = (
        Stock.objects.annotate(
            ledger=Coalesce(Subquery(ledger), ZERO), lines=Coalesce(Subquery(held), ZERO)
        )
        .filter(~Q(on_hand=F("ledger")) | ~Q(reserved=F("lines")))
        .select_related("product", "warehouse")
    )
    return [
        {
            "sku": row.product.sku,
            "warehouse": row.warehouse.code,
            "on_hand": _text(row.on_hand),
            "ledger": _text(row.ledger),
            "reserved": _text(row.reserved),
            "lines_reserved": _text(row.lines),
        }
        for row in rows
    ]
