from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import Notification

_moment = serializers.DateTimeField()


def _instant(value: str | None) -> str | None:
    """An ISO 8601 instant from `data`, shown as the API shows every other instant."""
    return _moment.to_representation(datetime.fromisoformat(value)) if value else None


# The levels of the alerts metrics raises (metrics.models.AlertLevel): the contract of
# /api/alerts/, written here because notifications imports no feature app; a test checks that
# the two agree.
ALERT_LEVELS = [("at_risk", "At risk"), ("breached", "Breached")]


class AlertNotificationSerializer(serializers.ModelSerializer):
    """One entry of the user's alert inbox (the id is the notification's)."""

    # The card and alert fields come from the notification's `data`, as the sender wrote them.

    card = serializers.SerializerMethodField()
    card_title = serializers.SerializerMethodField()
    level = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField()
    raised_at = serializers.SerializerMethodField()
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "card",
            "card_title",
            "level",
            "status",
            "due_at",
            "raised_at",
            "read",
            "text",
        ]
        read_only_fields = fields

    # Notifications of other kinds than alerts have null alert fields.

    # null: a mention or other news not about one card.
    @extend_schema_field(serializers.IntegerField(read_only=True, allow_null=True))
    def get_card(self, obj: Notification) -> int | None:
        return obj.data.get("card")

    @extend_schema_field(serializers.CharField(read_only=True))
    def get_card_title(self, obj: Notification) -> str:
        return obj.data.get("card_title", "")

    @extend_schema_field(serializers.ChoiceField(choices=ALERT_LEVELS, allow_null=True))
    def get_level(self, obj: Notification) -> str | None:
        return obj.data.get("level")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Status slug."))
    def get_status(self, obj: Notification) -> str | None:
        return obj.data.get("status")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_due_at(self, obj: Notification) -> str | None:
        return _instant(obj.data.get("due_at"))

    @extend_schema_field(serializers.DateTimeField(help_text="When the alert was raised."))
    def get_raised_at(self, obj: Notification) -> str:
        return _instant(obj.data.get("raised_at")) or _moment.to_representation(obj.created_at)
