from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from metrics.models import AlertLevel, Notification

_moment = serializers.DateTimeField()


class AlertNotificationSerializer(serializers.ModelSerializer):
    """One entry of the user's alert inbox (the id is the notification's)."""

    card = serializers.IntegerField(source="card_id", read_only=True)
    card_title = serializers.CharField(source="card.title", read_only=True)
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

    # Notifications of other kinds than alerts may come; their alert fields are null.

    @extend_schema_field(serializers.ChoiceField(choices=AlertLevel.choices, allow_null=True))
    def get_level(self, obj: Notification) -> str | None:
        return obj.alert.level if obj.alert else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Status slug."))
    def get_status(self, obj: Notification) -> str | None:
        return obj.alert.status if obj.alert else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_due_at(self, obj: Notification) -> str | None:
        return _moment.to_representation(obj.alert.due_at) if obj.alert else None

    @extend_schema_field(serializers.DateTimeField(help_text="When the alert was raised."))
    def get_raised_at(self, obj: Notification) -> str:
        return _moment.to_representation(obj.alert.raised_at if obj.alert else obj.created_at)


def weekly_metrics_data(snapshot) -> dict:
    """The API's answer: the week's figures at the top level, with when they were computed."""
    return {**snapshot.figures, "computed_at": snapshot.computed_at.isoformat()}
