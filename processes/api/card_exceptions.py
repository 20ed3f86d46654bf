"""POST /api/cards/{id}/exceptions/: ask for an exception no rule foresees
(processes/services/exceptions.py); the answer is the approval request, as /api/approvals/
lists it."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opmodel.serializers import StrictCharField
from processes.api import serializers as s
from processes.api.base import FIELD_ERRORS, FORBIDDEN, NOT_FOUND
from processes.models import ExceptionReason
from processes.services.exceptions import ASK_MAX, exception_ask

WAITING = OpenApiResponse(
    s.DetailSerializer, description="Another exception of the card waits for a decision."
)


class ExceptionInputSerializer(serializers.Serializer):
    ask = StrictCharField(max_length=ASK_MAX, help_text="What is asked.")
    why = StrictCharField(max_length=5000, help_text="Why: the approver decides on it.")
    reason = serializers.ChoiceField(
        choices=ExceptionReason.choices,
        required=False,
        default=ExceptionReason.OTHER,
        help_text="What it is about; the figures count exceptions by it.",
    )


class CardExceptions:
    """An action of CardViewSet (api/cards.py), which gives `get_object` and the clock."""

    @extend_schema(
        request=ExceptionInputSerializer,
        responses={
            201: s.ApprovalSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: WAITING,
        },
    )
    @action(detail=True, methods=["post"])
    def exceptions(self, request, pk=None):
        """Ask the process's owner-level approver for an exception no rule foresees."""
        card = self.get_object()
        data = ExceptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = exception_ask(actor=request.user, card=card, now=self.now, **data.validated_data)
        data = s.ApprovalSerializer(asked, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
