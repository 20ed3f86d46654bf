from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from stock.models.catalogue import Product, Warehouse

QUANTITY = {"max_digits": 15, "decimal_places": 3}


class Stock(models.Model):
    """On hand and reserved of one product in one warehouse: counters kept equal to the ledger
    (on hand) and to the stock lines (reserved); `stock_check` compares them."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks")
    on_hand = models.DecimalField(default=0, **QUANTITY)
    reserved = models.DecimalField(default=0, **QUANTITY)
    # A catch-up of this product's shortages is queued and its worker has not started yet:
    # the reservations left short meanwhile send no message of their own (purchasing.py).
    catch_up_queued = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stock_unique_place"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    @property
    def available(self):
        return self.on_hand - self.reserved

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand} on hand"


class MovementKind(models.TextChoices):
    COUNT = "count", "Count"
    RECEIPT = "receipt", "Receipt"
    ADJUSTMENT = "adjustment", "Adjustment"
    SHIPMENT = "shipment", "Shipment (reservation consumed)"


class Movement(models.Model):
    """The stock ledger: append-only; on hand of a product in a warehouse is the sum of
    `quantity` (a count records the difference it found)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    quantity = models.DecimalField(**QUANTITY)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    card = models.ForeignKey(
        "processes.RequestCard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
        help_text="The order card shipped, or the purchase card received.",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["product", "warehouse"], name="movement_place")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.product_id}@{self.warehouse_id}"


class StockLine(models.Model):
    """A card's line item that is a product: what it holds reserved and what it lacks.

    `short_since` is when the line last went short (the waiting shortages are filled oldest
    first by it); the `first_*` columns keep how the first reservation went, for the figures."""

    item = models.OneToOneField(
        "processes.LineItem", on_delete=models.CASCADE, related_name="stock_line"
    )
    card = models.ForeignKey(
        "processes.RequestCard", on_delete=models.CASCADE, related_name="stock_lines"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lines")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lines")
    quantity = models.DecimalField(**QUANTITY)
    reserved = models.DecimalField(default=0, **QUANTITY)
    short = models.DecimalField(default=0, **QUANTITY)
    short_since = models.DateTimeField(null=True, blank=True)
    first_reserved_at = models.DateTimeField(null=True, blank=True)
    first_quantity = models.DecimalField(null=True, blank=True, **QUANTITY)
    first_short = models.DecimalField(null=True, blank=True, **QUANTITY)
    went_short_at = models.DateTimeField(
        null=True, blank=True, help_text="When the line last went short (kept once filled)."
    )
    filled_at = models.DateTimeField(null=True, blank=True)
    consumed = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(reserved__gte=0), name="line_reserved_not_negative"),
            models.CheckConstraint(condition=Q(short__gte=0), name="line_short_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("quantity")), name="line_reserved_within_quantity"
            ),
        ]
        indexes = [
            models.Index(
                fields=["product", "warehouse", "short_since"],
                condition=Q(short__gt=0),
                name="line_waiting_shortage",
            )
        ]

    def __str__(self) -> str:
        return f"line {self.item_id}: {self.reserved} reserved, {self.short} short"


class StockCheckRun(models.Model):
    """The last run of `stock_check` (nightly in beat): the health page shows its mismatches."""

    checked_at = models.DateTimeField()
    mismatches = models.JSONField(default=list)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"stock check at {self.checked_at:%Y-%m-%d %H:%M}"
