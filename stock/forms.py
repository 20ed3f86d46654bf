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
