"""The moves of a card in the API: its options, a transition, block and unblock, its history."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from processes.api import inputs
from processes.api import serializers as s
from processes.api.base import FORBIDDEN, NOT_FOUND, REFUSED, card_act, card_change_responses
from processes.selectors import card_events
from processes.services import (
    card_block,
    card_transition,
    card_transition_options,
    card_unblock,
)
from processes.services.handoffs import card_take

NOT_BLOCKED = OpenApiResponse(s.DetailSerializer, description="The card is not blocked.")
TAKEN = OpenApiResponse(
    s.DetailSerializer, description="Taken by someone else already, or not waiting for pick-up."
)
TRANSITION_NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, description="Transition name, e.g. qualify."
)


class CardMoves:
    """Actions of CardViewSet (api/cards.py), which gives `get_object` and `_card_response`."""

    @extend_schema(
        responses={200: s.TransitionOptionSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request, pk=None):
        """The moves from the card's current status, each allowed for this user or with why not."""
        card = self.get_object()
        options = card_transition_options(user=request.user, card=card)
        return Response(s.TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        parameters=[TRANSITION_NAME],
        request=inputs.TransitionInputSerializer,
        responses=card_change_responses(REFUSED),
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/]+)")
    def transition(self, request, pk=None, name=None):
        """Move the card by the named transition, or refuse with every unmet condition."""
        card = self.get_object()
        card = card_act(request, card, card_transition, inputs.TransitionInputSerializer, name=name)
        return self._card_response(card)

    @extend_schema(
        request=inputs.BlockInputSerializer,
        responses=card_change_responses(),
    )
    @action(detail=True, methods=["post"])
    def block(self, request, pk=None):
        card = card_act(request, self.get_object(), card_block, inputs.BlockInputSerializer)
        return self._card_response(card)

    @extend_schema(
        request=inputs.UnblockInputSerializer,
        responses=card_change_responses(NOT_BLOCKED),
    )
    @action(detail=True, methods=["post"])
    def unblock(self, request, pk=None):
        card = card_act(request, self.get_object(), card_unblock, inputs.UnblockInputSerializer)
        return self._card_response(card)

    @extend_schema(
        request=None,
        responses={200: s.CardSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: TAKEN},
    )
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """Take a card waiting for pick-up in your stage role's queue: it becomes yours. 403 for
        anyone outside the stage role; 409 when someone took it first or it is not waiting."""
        card = card_take(actor=request.user, card=self.get_object())
        return self._card_response(card)

    @extend_schema(responses={200: s.EventSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        """The card's history, oldest first. Read only: events are never changed."""
        card = self.get_object()
        return Response(s.EventSerializer(card_events(card=card), many=True).data)
