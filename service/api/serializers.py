from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opmodel.serializers import StrictCharField, StrictPrimaryKeyRelatedField
from processes.api.serializers import MAX_ID
from processes.models import Channel, Client, Priority
from processes.selectors import cards_visible_to
from service.definitions import Reason


@extend_schema_field(OpenApiTypes.INT)
class VisibleCardField(serializers.PrimaryKeyRelatedField):
    """A card among those the user sees: an unknown id and another process's card get the same
    answer, so the API tells no outsider which cards exist."""

    default_error_messages = {"does_not_exist": "There is no card {pk_value}."}

    def get_queryset(self):
        return cards_visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= MAX_ID:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ComplaintInputSerializer(serializers.Serializer):
    order = VisibleCardField(
        required=False,
        allow_null=True,
        help_text="The order card the complaint is about (a card you see); its client is the "
        "complaint's.",
    )
    client = StrictPrimaryKeyRelatedField(
        queryset=Client.objects.all(),
        required=False,
        allow_null=True,
        help_text="Required without an order; with one, the order's client or left out.",
    )
    reason = serializers.ChoiceField(choices=Reason.choices)
    returned = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="For a return: what the client sends back.",
    )
    title = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="Blank: the reason and the order or client.",
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)


class ComplaintSerializer(serializers.Serializer):
    card = serializers.IntegerField(help_text="The complaint's card (GET /api/cards/{id}/).")
    process = serializers.CharField(help_text="customer-service")
    status = serializers.CharField()
    title = serializers.CharField()
    client = serializers.IntegerField(allow_null=True)
    order = serializers.IntegerField(allow_null=True, help_text="The order card it is about.")
    reason = serializers.ChoiceField(choices=Reason.choices)
    returned = serializers.CharField()
    created_at = serializers.DateTimeField()
