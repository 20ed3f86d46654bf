"""POST /api/cards/{id}/comments/: a comment in the card's history, apart from its moves."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opmodel.serializers import StrictCharField
from processes.api import serializers as s
from processes.api.base import FIELD_ERRORS, NOT_FOUND
from processes.services import card_comment_add


class CommentInputSerializer(serializers.Serializer):
    text = StrictCharField(max_length=5000, help_text="@username notifies that person.")


class CommentAddedSerializer(s.EventSerializer):
    mentioned = serializers.ListField(
        child=serializers.CharField(), help_text="The usernames notified."
    )
    ignored = serializers.ListField(
        child=serializers.CharField(),
        help_text="Names mentioned that hold no role in the card's process: not notified.",
    )

    class Meta(s.EventSerializer.Meta):
        fields = [*s.EventSerializer.Meta.fields, "mentioned", "ignored"]
        read_only_fields = fields


class CardComments:
    """An action of CardViewSet (api/cards.py), which gives `get_object` and the clock."""

    @extend_schema(
        request=CommentInputSerializer,
        responses={201: CommentAddedSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        """Comment on the card; each @username with a role in its process is notified once."""
        card = self.get_object()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = card_comment_add(
            actor=request.user, card=card, text=data.validated_data["text"], now=self.now
        )
        event = added.event
        event.mentioned, event.ignored = added.mentioned, added.ignored
        return Response(CommentAddedSerializer(event).data, status=status.HTTP_201_CREATED)
