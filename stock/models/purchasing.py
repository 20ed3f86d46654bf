from django.db import models
from django.db.models import Q

from stock.models.catalogue import Product, Warehouse


class PurchaseNeed(models.Model):
    """The purchase card that brings a product: one open per product, so shortages add to it."""

    card = models.OneToOneField(
        "processes.RequestCard", on_delete=models.CASCADE, related_name="purchase_need"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchase_needs")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    is_open = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_open=True), name="purchase_need_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"purchase card #{self.card_id} for product {self.product_id}"
