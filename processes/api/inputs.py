"""The API's input shapes: what a request may send to the card, client, approval and decision
endpoints (processes.api.serializers holds what the API answers)."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opmodel.serializers import (  # noqa: F401 (DetailSerializer: the API's shared 4xx body)
    DetailSerializer,
    StrictCharField,
    StrictPrimaryKeyRelatedField,
)

# Large enough for any id either database stores, small enough for every driver to bind.
from processes.api.serializers import MAX_ID
from processes.models import (
    ApprovalStatus,
    Channel,
    Client,
    ClientSegment,
    PaymentTerms,
    Priority,
)
from processes.selectors import processes_visible_to


@extend_schema_field(OpenApiTypes.STR)
class VisibleProcessField(serializers.SlugRelatedField):
    """A process slug among the processes the user holds a role in.

    An unknown slug and a process the user may not see get the same answer, so the API does not
    tell outsiders which processes exist.
    """

    default_error_messages = {
        "does_not_exist": "There is no process {slug_name}={value}.",
        "invalid": "Give a process slug.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return processes_visible_to(self.context["request"].user)


def _user_queryset():
    return get_user_model().objects.filter(is_active=True)


def _version_field():
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The card's version as last read; a stale one gives 409.",
    )


class ClientRepeatSalesInput(serializers.Serializer):
    """The repeat-sales fields a client may be given or changed (the sales app follows them)."""

    segment = StrictPrimaryKeyRelatedField(
        queryset=ClientSegment.objects.all(),
        allow_null=True,
        required=False,
        help_text="The client segment's id (its usual interval between orders); null: none.",
    )
    account_manager = StrictPrimaryKeyRelatedField(
        queryset=_user_queryset(),
        allow_null=True,
        required=False,
        help_text="The user who looks after the client's repeat orders; must hold a role in "
        "order to cash (400 otherwise).",
    )


class ClientInputSerializer(ClientRepeatSalesInput):
    name = StrictCharField(max_length=200)


class ClientChangeInputSerializer(ClientRepeatSalesInput):
    pass


class CardDataInputSerializer(serializers.Serializer):
    """The card fields a person may set, parsed; whether the values make sense is the service's."""

    title = StrictCharField(max_length=200)
    client = StrictPrimaryKeyRelatedField(
        queryset=Client.objects.all(), allow_null=True, required=False
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    responsible = StrictPrimaryKeyRelatedField(
        queryset=_user_queryset(), allow_null=True, required=False
    )
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    payment_terms = serializers.ChoiceField(choices=PaymentTerms.choices, required=False)
    deferred_days = serializers.IntegerField(
        allow_null=True, required=False, min_value=1, max_value=32767
    )
    shipment_date = serializers.DateField(allow_null=True, required=False)
    promised_on = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="The date promised to the client (required to agree; not in the past). "
        "Moving it needs promise_reason.",
    )


class CardCreateSerializer(CardDataInputSerializer):
    process = VisibleProcessField()


# Fields a card shows but a PATCH may not change, with where to change them instead.
NOT_PATCHABLE = {
    "status": "The status changes only through a transition: "
    "POST /api/cards/{id}/transitions/{name}/.",
    "process": "A card cannot move to another process.",
    "blocked": "Block and unblock with POST /api/cards/{id}/block/ and /unblock/.",
    "block_reason": "Block and unblock with POST /api/cards/{id}/block/ and /unblock/.",
    "block_note": "Block and unblock with POST /api/cards/{id}/block/ and /unblock/.",
    "lost_reason": "The lost reason is given with the mark_lost transition.",
    "items": "Add line items with POST /api/cards/{id}/items/.",
    "promise": "Set promised_on; the expected date and the state are computed.",
}


class CardUpdateSerializer(CardDataInputSerializer):
    """A partial change of the card's data. `version` is the one the client last saw."""

    version = _version_field()
    promise_reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Why the promised date moves (required when promised_on changes a date).",
    )

    def validate(self, attrs):
        errors = {f: [msg] for f, msg in NOT_PATCHABLE.items() if f in self.initial_data}
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class LineItemInputSerializer(serializers.Serializer):
    version = _version_field()
    product = StrictCharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit_cost = serializers.DecimalField(max_digits=12, decimal_places=2)


class TransitionInputSerializer(serializers.Serializer):
    comment = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)
    lost_reason = StrictCharField(required=False, allow_blank=True, default="", max_length=300)
    version = _version_field()


class BlockInputSerializer(serializers.Serializer):
    version = _version_field()
    reason = serializers.SlugField(max_length=50, help_text="A block reason slug of the process.")
    note = StrictCharField(required=False, allow_blank=True, default="")


class UnblockInputSerializer(serializers.Serializer):
    version = _version_field()
    note = StrictCharField(required=False, allow_blank=True, default="")


class ApprovalFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/approvals/."""

    status = serializers.ChoiceField(choices=ApprovalStatus.choices, required=False)
    card = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class DecisionInputSerializer(serializers.Serializer):
    comment = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)
