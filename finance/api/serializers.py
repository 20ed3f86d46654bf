from rest_framework import serializers

from finance.models import InvoiceState
from opmodel.serializers import StrictCharField, StrictDecimalField


class InvoiceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    state = serializers.ChoiceField(choices=InvoiceState.choices)


class InvoicePaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    reference = serializers.CharField(allow_blank=True)


class InvoiceDetailSerializer(InvoiceSerializer):
    """GET /api/cards/{id}/invoice/: the invoice with what an outside recount of the money's
    weekly figures needs (finance/definitions.py): the day it was voided and each payment."""

    voided_on = serializers.DateField(
        allow_null=True,
        help_text="The day the card was lost and the invoice voided (nothing owed from then), "
        "or null.",
    )
    payments = InvoicePaymentSerializer(
        many=True, help_text="The payments recorded against it, by the day paid, oldest first."
    )


class PaymentInputSerializer(serializers.Serializer):
    amount = StrictDecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    reference = StrictCharField(required=False, allow_blank=True, default="", max_length=120)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    reference = serializers.CharField(allow_blank=True)
    invoice = InvoiceSerializer()


class ReceivablesQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["open", "overdue"], required=False, default="open")
    client = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ReceivableSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    client = serializers.CharField(allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField()
    days_overdue = serializers.IntegerField(min_value=0)
