from decimal import Decimal

from django import forms


class StockItemForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1)
    sku = forms.CharField(max_length=64)
    quantity = forms.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    unit_price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    unit_cost = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class ItemChangeForm(forms.Form):
    quantity = forms.DecimalField(max_digits=12, decimal_places=3, min_value=0, required=False)
    remove = forms.BooleanField(required=False)


class TextItemForm(forms.Form):
    """A free-text line changed or removed on the card page (one form per line: `prefix`)."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    quantity = forms.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False
    )
    unit_price = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label="Unit price"
    )
    unit_cost = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label="Unit cost"
    )
    remove = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("remove"):
            for name in ("quantity", "unit_price", "unit_cost"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "This field is required.")
        return data


class MovementForm(forms.Form):
    sku = forms.CharField(max_length=64, label="Product (SKU)")
    warehouse = forms.CharField(max_length=32)
    quantity = forms.DecimalField(max_digits=12, decimal_places=3)
    kind = forms.ChoiceField(
        choices=[("receipt", "Receipt"), ("count", "Count"), ("adjustment", "Adjustment")],
        initial="receipt",
    )
    reason = forms.CharField(max_length=300, required=False)
    purchase_card = forms.IntegerField(required=False, min_value=1, label="Purchase card #")
