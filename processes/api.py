"""The REST API (DESIGN.md section 5; issue 2, section 9 is its contract).

Thin: each endpoint parses with a serializer, asks `roles` or lets the service ask, calls a
service or a selector, and answers with the card. Domain exceptions become HTTP answers in
`processes.errors.api_exception_handler`. Cards of processes where the user holds no role are
outside every queryset here, so they answer 404, never 403.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from processes import serializers as s
from processes.models import Client, Process, RequestCard, Transition
from processes.selectors import card_events, cards_visible_to, processes_visible_to
from processes.services import (
    card_block,
    card_create,
    card_item_add,
    card_transition,
    card_transition_options,
    card_unblock,
    card_update,
    client_create,
)
from roles.permissions import CARD_EDITOR_KINDS, role_map

REFUSED = OpenApiResponse(s.RefusalSerializer, description="Refused, with the reasons in words.")
FORBIDDEN = OpenApiResponse(s.DetailSerializer, description="The user's process role may not.")
NOT_FOUND = OpenApiResponse(s.DetailSerializer, description="No such card visible to the user.")
CONFLICT = OpenApiResponse(s.DetailSerializer, description="The card changed since it was read.")
FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [message]}.")


class EditsSomeProcess(permissions.BasePermission):
    """Clients are shared by all processes; whoever may create cards somewhere may add one."""

    message = "Only an executor or accountable of a process may add clients."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        roles = role_map(request.user)
        return any(roles.may_act(pid, CARD_EDITOR_KINDS) for pid in roles.process_ids())


@extend_schema(tags=["processes"])
class ProcessViewSet(viewsets.ReadOnlyModelViewSet):
    """Processes where the user holds a role, with their statuses and transitions."""

    serializer_class = s.ProcessSerializer
    lookup_field = "slug"
    pagination_class = None
    queryset = Process.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Process.objects.none()
        return processes_visible_to(self.request.user).prefetch_related(
            "statuses",
            Prefetch(
                "transitions",
                queryset=Transition.objects.select_related("target").prefetch_related("sources"),
            ),
        )


@extend_schema(tags=["clients"])
class ClientViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ClientSerializer
    permission_classes = [permissions.IsAuthenticated, EditsSomeProcess]
    queryset = Client.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Client.objects.none()
        if not role_map(self.request.user).process_ids():
            # An outsider with no role anywhere sees nothing.
            return Client.objects.none()
        return Client.objects.order_by("name", "id")

    @extend_schema(
        request=s.ClientInputSerializer,
        responses={201: s.ClientSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        data = s.ClientInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = client_create(name=data.validated_data["name"])
        return Response(s.ClientSerializer(client).data, status=status.HTTP_201_CREATED)


CARD_FILTERS = [
    OpenApiParameter("process", str, description="Process slug."),
    OpenApiParameter("status", str, description="Status slug."),
    OpenApiParameter("responsible", int, description="Responsible user's id."),
    OpenApiParameter("blocked", bool, description="true: blocked cards only; false: unblocked."),
]
TRANSITION_NAME = OpenApiParameter(
    "name", str, OpenApiParameter.PATH, description="Transition name, e.g. qualify."
)


@extend_schema(tags=["cards"])
class CardViewSet(
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
        if self.action in {"events", "transitions"}:
            return cards
        return cards.prefetch_related("items")

    def _card_response(self, card, code=status.HTTP_200_OK):
        return Response(s.CardSerializer(card, context=self.get_serializer_context()).data, code)

    @extend_schema(parameters=CARD_FILTERS, responses={200: s.CardSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        params = s.CardFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        cards = self.get_queryset()
        if "process" in filters:
            cards = cards.filter(process__slug=filters["process"])
        if "status" in filters:
            cards = cards.filter(status=filters["status"])
        if "responsible" in filters:
            cards = cards.filter(responsible_id=filters["responsible"])
        if filters.get("blocked") is not None:
            cards = cards.filter(is_blocked=filters["blocked"])
        page = self.paginate_queryset(cards)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.CardCreateSerializer,
        responses={201: s.CardSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        data = s.CardCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        card = card_create(actor=request.user, **data.validated_data)
        card = self.get_queryset().get(pk=card.pk)
        return self._card_response(card, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CardUpdateSerializer,
        responses={
            200: s.CardSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        card = self.get_object()
        data = s.CardUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        card = card_update(actor=request.user, card=card, changes=changes, expected_version=version)
        return self._card_response(card)

    @extend_schema(
        request=s.LineItemInputSerializer,
        responses={201: s.LineItemSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        card = self.get_object()
        data = s.LineItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = card_item_add(
            actor=request.user,
            card=card,
            expected_version=data.validated_data.pop("version", None),
            **data.validated_data,
        )
        return Response(s.LineItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: s.TransitionOptionSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        """The moves from the card's current status, each allowed for this user or with why not."""
        card = self.get_object()
        options = card_transition_options(user=request.user, card=card)
        return Response(s.TransitionOptionSerializer(options, many=True).data)

    @extend_schema(
        parameters=[TRANSITION_NAME],
        request=s.TransitionInputSerializer,
        responses={
            200: s.CardSerializer,
            400: REFUSED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[^/]+)")
    def transition(self, request, pk=None, name=None):
        """Move the card by the named transition, or refuse with every unmet condition."""
        card = self.get_object()
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = card_transition(
            actor=request.user,
            card=card,
            name=name,
            comment=data.validated_data["comment"],
            lost_reason=data.validated_data["lost_reason"],
            expected_version=data.validated_data.get("version"),
        )
        return self._card_response(card)

    @extend_schema(
        request=s.BlockInputSerializer,
        responses={
            200: s.CardSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def block(self, request, pk=None):
        card = self.get_object()
        data = s.BlockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = card_block(
            actor=request.user,
            card=card,
            expected_version=data.validated_data.pop("version", None),
            **data.validated_data,
        )
        return self._card_response(card)

    @extend_schema(
        request=s.UnblockInputSerializer,
        responses={
            200: s.CardSerializer,
            400: OpenApiResponse(s.DetailSerializer, description="The card is not blocked."),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def unblock(self, request, pk=None):
        card = self.get_object()
        data = s.UnblockInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = card_unblock(
            actor=request.user,
            card=card,
            expected_version=data.validated_data.pop("version", None),
            **data.validated_data,
        )
        return self._card_response(card)

    @extend_schema(responses={200: s.EventSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The card's history, oldest first. Read only: events are never changed."""
        card = self.get_object()
        return Response(s.EventSerializer(card_events(card=card), many=True).data)
