"""/api/cards/: list, read, create and change cards, and add their line items.

The moves of a card (transitions, block, unblock) and its history are in card_moves.py.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from opmodel.api import refuse_blank
from processes.api import inputs
from processes.api import serializers as s
from processes.api.base import (
    FIELD_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    RequestClock,
    card_act,
    card_change_responses,
)
from processes.api.card_comments import CardComments
from processes.api.card_exceptions import CardExceptions
from processes.api.card_moves import CardMoves
from processes.filters import SLAFilterState, card_filter
from processes.models import Channel, Priority, RequestCard
from processes.promises import promises_for
from processes.selectors import cards_visible_to
from processes.selectors.acting import card_for_action
from processes.services import card_create, card_item_add, card_update

CARD_FILTERS = [
    OpenApiParameter("process", str, description="Process slug."),
    OpenApiParameter("status", str, description="Status slug."),
    OpenApiParameter(
        "search", str, description="Text in the title or client name, or a card number."
    ),
    OpenApiParameter("q", str, description="The same as search (the pages' name)."),
    OpenApiParameter(
        "responsible", str, description="me, unassigned, or the responsible user's id."
    ),
    OpenApiParameter("priority", str, enum=[p.value for p in Priority]),
    OpenApiParameter(
        "sla",
        str,
        enum=[value for value, _ in SLAFilterState.CHOICES],
        description="Deadline state now: at risk or late, at risk only, or late (breached).",
    ),
    OpenApiParameter("blocked", str, enum=["true", "false"]),
    OpenApiParameter("client", int, description="Client id."),
    OpenApiParameter("channel", str, enum=[c.value for c in Channel]),
]

# The actions whose services check the actor's process roles (roles.permissions.role_map).
ROLE_CHECKED = {"transition", "block", "unblock", "partial_update", "items"}

# Parameters whose values are a documented set (or a number): an empty one is refused.
CHOICE_PARAMS = [p.name for p in CARD_FILTERS if p.enum or p.type is int]


@extend_schema(tags=["cards"])
class CardViewSet(
    RequestClock,
    CardMoves,
    CardComments,
    CardExceptions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Request cards of the processes where the user holds a role."""

    serializer_class = s.CardSerializer
    queryset = RequestCard.objects.none()
    # No PUT (a card is changed field by field) and no DELETE (history is kept).
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RequestCard.objects.none()
        cards = cards_visible_to(self.request.user)
        if self.action in {"events", "transitions", "comments"}:
            return cards
        return cards.prefetch_related("items")

    def get_object(self):
        if self.action not in ROLE_CHECKED:
            return super().get_object()
        # The card, its line items and the actor's grants (whose role map the services check)
        # in one read, its SQL built once (processes/selectors/acting.py).
        card = card_for_action(user=self.request.user, pk=self.kwargs["pk"])
        if card is None:
            raise Http404
        self.check_object_permissions(self.request, card)
        return card

    def _card_response(self, card, code=status.HTTP_200_OK):
        return Response(s.CardSerializer(card, context=self.get_serializer_context()).data, code)

    @extend_schema(parameters=CARD_FILTERS, responses={200: s.CardSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        # The same filter definition as the board, the queue and the risks page.
        filters = card_filter(
            request.query_params, self.get_queryset(), request=request, now=self.now
        )
        # The pages' forms send an empty choice for "any"; the API documents its choices,
        # and "" is not one of them (leave the parameter out instead).
        refuse_blank(request.query_params, CHOICE_PARAMS)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        cards = filters.qs
        page = self.paginate_queryset(cards)
        # The page's promises at once: the expected dates cost a fixed number of queries.
        context = {**self.get_serializer_context(), "promises": promises_for(page, now=self.now)}
        return self.get_paginated_response(s.CardSerializer(page, many=True, context=context).data)

    @extend_schema(
        request=inputs.CardCreateSerializer,
        responses={201: s.CardSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        data = inputs.CardCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        card = card_create(actor=request.user, **data.validated_data)
        card = self.get_queryset().get(pk=card.pk)
        return self._card_response(card, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.CardUpdateSerializer,
        responses=card_change_responses(),
    )
    def partial_update(self, request, *args, **kwargs):
        card = self.get_object()
        data = inputs.CardUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        reason = changes.pop("promise_reason", "")
        card = card_update(
            actor=request.user,
            card=card,
            changes=changes,
            promise_reason=reason,
            expected_version=version,
        )
        return self._card_response(card)

    @extend_schema(
        request=inputs.LineItemInputSerializer,
        responses={201: s.LineItemSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        item = card_act(request, self.get_object(), card_item_add, inputs.LineItemInputSerializer)
        return Response(s.LineItemSerializer(item).data, status=status.HTTP_201_CREATED)
