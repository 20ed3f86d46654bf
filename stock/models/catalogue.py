from django.db import models
from django.db.models import Q


class Product(models.Model):
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20, default="pcs")
    unit_whole = models.BooleanField(
        default=True, help_text="Counted in whole units (no fractional quantities)."
    )

    class Meta:
        ordering = ["sku"]
        constraints = [models.CheckConstraint(condition=~Q(sku=""), name="product_sku_not_blank")]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Warehouse(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]
        # Only people of the warehouse group (or staff) move stock: stock.move_stock.
        permissions = [("move_stock", "Can record stock movements")]

    def __str__(self) -> str:
        return self.code
