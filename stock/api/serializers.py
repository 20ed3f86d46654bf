from django.db import models
from rest_framework import serializers

from opmodel.serializers import StrictBooleanField, StrictCharField, StrictDecimalField


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sku = StrictCharField(max_length=64)
    name = StrictCharField(max_length=200)
    unit = StrictCharField(max_length=20, required=False, default="pcs")
    unit_whole = StrictBooleanField(required=False, default=True)


class WarehouseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = StrictCharField(max_length=32)
    name = StrictCharField(max_length=120)


class StockQuerySerializer(serializers.Serializer):
    sku = StrictCharField(required=False, allow_blank=True, default="", max_length=64)
    warehouse = StrictCharField(required=False, allow_blank=True, default="", max_length=32)


class MovableKind(models.TextChoices):
    """The movements people record (a shipment is the card's, at fulfilment)."""

    COUNT = "count", "Count"
    RECEIPT = "receipt", "Receipt"
    ADJUSTMENT = "adjustment", "Adjustment"


class MovementInputSerializer(serializers.Serializer):
    sku = StrictCharField(max_length=64)
    warehouse = StrictCharField(max_length=32)
    quantity = StrictDecimalField(max_digits=12, decimal_places=3)
    kind = serializers.ChoiceField(choices=MovableKind.choices)
    reason = StrictCharField(required=False, allow_blank=True, default="", max_length=300)
    purchase_card = serializers.IntegerField(required=False, allow_null=True, default=None)


class ItemInputSerializer(serializers.Serializer):
    """A stock line (`sku`) or a free-text line (`product`), as before."""

    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    sku = StrictCharField(required=False, max_length=64)
    product = StrictCharField(required=False, max_length=200)
    warehouse = StrictCharField(required=False, allow_null=True, default=None, max_length=32)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    def validate(self, data):
        if bool(data.get("sku")) == bool(data.get("product")):
            raise serializers.ValidationError({"sku": ["Give either a sku or a product."]})
        return data


class ItemChangeSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, required=False)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class StockRowSerializer(serializers.Serializer):
    sku = serializers.CharField()
    warehouse = serializers.CharField()
    on_hand = serializers.DecimalField(max_digits=15, decimal_places=3)
    reserved = serializers.DecimalField(max_digits=15, decimal_places=3)
    available = serializers.DecimalField(max_digits=15, decimal_places=3)
    incoming = serializers.DecimalField(max_digits=15, decimal_places=3)


class AvailabilityLineSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    sku = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3)
    on_hand = serializers.DecimalField(max_digits=15, decimal_places=3)
    available = serializers.DecimalField(max_digits=15, decimal_places=3)
    reserved = serializers.DecimalField(max_digits=15, decimal_places=3)
    short = serializers.DecimalField(max_digits=15, decimal_places=3)


class AvailabilitySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["none", "partial", "full"])
    lines = AvailabilityLineSerializer(many=True)
    purchase_cards = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The open purchase cards the card's short lines wait for: those linked to it, "
        "and the product's open one while a worker is still linking it (see purchase_pending).",
    )
    purchase_pending = serializers.BooleanField(
        help_text="True while a short line's purchase card is still being raised or linked by "
        "a worker (usually within a second of the reservation); false once every short line's "
        "product has its open purchase card linked to this card.",
    )


class LinkSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    process = serializers.CharField()
    kind = serializers.CharField()
