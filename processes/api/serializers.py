"""Shapes of the API: what goes out, and how input is parsed before a service sees it.

Input serializers only parse (types, lengths of columns, choices, ids that exist and are
visible); every business rule (ranges, terms, roles, conditions) is checked by the services,
whose field errors come back through `opmodel.errors.api_exception_handler`.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opmodel.serializers import (  # noqa: F401 (DetailSerializer: the API's shared 4xx body)
    DetailSerializer,
    FieldsBuiltOnce,
    StrictCharField,
)
from processes.api.definitions import (  # noqa: F401 (re-exported: the API's serializers)
    ParticipantSerializer,
    ProcessSerializer,
    StatusSerializer,
    TransitionDefinitionSerializer,
)
from processes.models import (
    ApprovalRequest,
    Client,
    Event,
    ExceptionReason,
    LineItem,
    RequestCard,
    SLAState,
)
from processes.promises import STATES, promise_of
from processes.services.handoffs import card_stage, waiting_for_pickup
from processes.sla import sla_state, target_state

# Large enough for any id either database stores, small enough for every driver to bind.
MAX_ID = 2**31 - 1


# Output ---------------------------------------------------------------------------------------


class ClockStateField(serializers.ChoiceField):
    """A card clock's state at the request's instant: the view puts one `now` in the context."""

    def __init__(self, state, **kwargs):
        self.state = state
        kwargs.update(choices=SLAState.choices, source="*", read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, card):
        return self.state(card, self.context["now"])


class OverdueField(serializers.BooleanField):
    """Whether an approval request is past its decision deadline at the request's instant."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, approval):
        return approval.is_overdue_at(self.context["now"])


class ClientSerializer(serializers.ModelSerializer):
    segment = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    segment_name = serializers.CharField(source="segment.name", read_only=True, allow_null=True)
    account_manager = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    account_manager_username = serializers.CharField(
        source="account_manager.username", read_only=True, allow_null=True
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "created_at",
            "segment",
            "segment_name",
            "account_manager",
            "account_manager_username",
        ]
        read_only_fields = fields


class LineItemSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    line_price = serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True)
    line_cost = serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True)

    class Meta:
        model = LineItem
        fields = ["id", "product", "quantity", "unit_price", "unit_cost", "line_price", "line_cost"]
        read_only_fields = fields


class PromiseSerializer(serializers.Serializer):
    """The promise to the client (processes/promises.py): null when the card has no promised
    date, or finished without shipping."""

    promised_on = serializers.DateField()
    expected_on = serializers.DateField(
        allow_null=True,
        help_text="Shipped: the day it shipped. Waiting: now plus the typical remaining time, "
        "not before the expected arrival of stock it is short of (null: nothing to expect).",
    )
    state = serializers.ChoiceField(choices=[(s, s) for s in STATES])


class PromiseField(serializers.Field):
    """The card's promise at the request's instant (the view's `now`). A list's promises are
    computed together by the view (`promises` in the context), a fixed number of queries."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, card):
        known = self.context.get("promises")
        promise = (
            known.get(card.pk) if known is not None else promise_of(card, now=self.context["now"])
        )
        if promise is None:
            return None
        return PromiseSerializer(promise).data


extend_schema_field(PromiseSerializer(allow_null=True))(PromiseField)


class CardSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    process = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    client = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    client_name = serializers.CharField(source="client.name", read_only=True, allow_null=True)
    responsible = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    responsible_username = serializers.CharField(
        source="responsible.username", read_only=True, allow_null=True
    )
    blocked = serializers.BooleanField(source="is_blocked", read_only=True)
    block_reason = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)
    # No max_digits: a computed figure is shown as it is, never refused on the way out.
    margin_percent = serializers.DecimalField(
        max_digits=None, decimal_places=2, read_only=True, allow_null=True
    )
    net_total = serializers.DecimalField(max_digits=None, decimal_places=2, read_only=True)
    items = LineItemSerializer(many=True, read_only=True)
    sla_state = ClockStateField(sla_state)
    target_state = ClockStateField(target_state)
    promise = PromiseField()
    stage_role = serializers.SerializerMethodField(
        help_text="The group that executes the card's status (its stage role), or null."
    )
    waiting_for_pickup = serializers.SerializerMethodField(
        help_text="Handed to the stage role and taken by nobody yet (POST take/ to take it)."
    )

    class Meta:
        model = RequestCard
        fields = [
            "id",
            "process",
            "title",
            "client",
            "client_name",
            "channel",
            "priority",
            "responsible",
            "responsible_username",
            "discount_percent",
            "margin_percent",
            "payment_terms",
            "deferred_days",
            "shipment_date",
            "promised_on",
            "promise",
            "status",
            "version",
            "blocked",
            "block_reason",
            "block_note",
            "blocked_at",
            "lost_reason",
            "items",
            "items_count",
            "items_price_total",
            "items_cost_total",
            "net_total",
            "created_at",
            "updated_at",
            "status_changed_at",
            "sla_state",
            "due_at",
            "at_risk_at",
            "target_state",
            "target_due_at",
            "stage_role",
            "waiting_for_pickup",
        ]
        read_only_fields = fields

    # From the process's definition held in memory: no query per card.
    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_stage_role(self, card) -> str | None:
        stage = card_stage(card)
        return stage.group_name if stage else None

    @extend_schema_field(serializers.BooleanField())
    def get_waiting_for_pickup(self, card) -> bool:
        return waiting_for_pickup(card)


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField()
    target_name = serializers.CharField()
    allowed = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())
    needs_lost_reason = serializers.BooleanField()


class EventSerializer(serializers.ModelSerializer):
    # null: an event of the system (an escalation, an alert), made by no one.
    actor = serializers.SlugRelatedField(read_only=True, slug_field="username", allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "from_status",
            "to_status",
            "transition",
            "actor",
            "at",
            "comment",
            "reason",
            "data",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "data": {
                "help_text": "The event's values. created: the values the card started with "
                "(channel, priority, responsible, client and client_id, discount_percent, "
                "payment_terms, deferred_days, shipment_date, promised_on). field_change, "
                "assignment and promise_changed: field, old, new (a client also old_id, "
                "new_id; promise_changed has its reason in `reason`). promise_at_risk and "
                "promise_on_track: promised_on, expected_on. promise_outcome: outcome (kept or "
                "missed), promised_on, shipped_on, days_late, in_full, lines_short. transition: "
                "sla (the deadline "
                "of the visit it ends and whether it ended after it). Any event that set or "
                "moved the status visit's SLA deadline (created, transition, a priority "
                "change, block, unblock): deadline {old, new}, ISO instants, '' for none."
            }
        }


class ApprovalSerializer(serializers.ModelSerializer):
    card_title = serializers.CharField(source="card.title", read_only=True)
    client_name = serializers.CharField(
        source="card.client.name", read_only=True, default=None, allow_null=True
    )
    discount_percent = serializers.DecimalField(
        source="card.discount_percent", max_digits=None, decimal_places=2, read_only=True
    )
    margin_percent = serializers.DecimalField(
        source="card.margin_percent",
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=True,
    )
    payment_terms = serializers.CharField(source="card.payment_terms", read_only=True)
    deferred_days = serializers.IntegerField(
        source="card.deferred_days", read_only=True, allow_null=True
    )
    rule = serializers.CharField(
        source="name", read_only=True, help_text="The rule's name, or the exception route's."
    )
    condition = serializers.CharField(
        source="condition_text", read_only=True, help_text="Blank for an ad-hoc exception."
    )
    level = serializers.IntegerField(read_only=True, help_text="0 for an ad-hoc exception.")
    # Declared: a read-only field built from the model loses allow_blank, and a rule's request
    # has no reason ("").
    reason = serializers.ChoiceField(
        choices=ExceptionReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="An ad-hoc exception: what it is about; blank for a rule's request.",
    )
    authority = serializers.CharField(read_only=True)
    requested_by = serializers.SlugRelatedField(read_only=True, slug_field="username")
    decided_by = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    overdue = OverdueField()

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "card",
            "card_title",
            "client_name",
            "discount_percent",
            "margin_percent",
            "payment_terms",
            "deferred_days",
            "rule",
            "family",
            "condition",
            "level",
            "authority",
            "value",
            "ask",
            "why",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "due_at",
            "overdue",
            "escalated_at",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


class RefusalSerializer(serializers.Serializer):
    """The body of a refused transition (400)."""

    detail = serializers.CharField()
    unmet = serializers.ListField(child=serializers.CharField())
