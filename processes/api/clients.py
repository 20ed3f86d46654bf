"""/api/clients/: the clients cards are for, shared by all processes."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from processes.api import inputs
from processes.api import serializers as s
from processes.api.base import FIELD_ERRORS, FORBIDDEN, NOT_FOUND
from processes.models import Client
from processes.services import client_create
from processes.services.clients import client_update
from roles.permissions import CARD_EDITOR_KINDS, role_map


class EditsSomeProcess(permissions.BasePermission):
    """Clients are shared by all processes; whoever may create cards somewhere may add one."""

    message = "Only an executor or accountable of a process may add clients."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        roles = role_map(request.user)
        return any(roles.may_act(pid, CARD_EDITOR_KINDS) for pid in roles.process_ids())


@extend_schema(tags=["clients"])
class ClientViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Clients, with the segment and the account manager that repeat sales follow."""

    serializer_class = s.ClientSerializer
    # No PUT (the name stays) and no DELETE (cards name their client).
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [permissions.IsAuthenticated, EditsSomeProcess]
    queryset = Client.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Client.objects.none()
        if not role_map(self.request.user).process_ids():
            # An outsider with no role anywhere sees nothing.
            return Client.objects.none()
        return Client.objects.select_related("segment", "account_manager").order_by("name", "id")

    @extend_schema(
        request=inputs.ClientInputSerializer,
        responses={201: s.ClientSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        data = inputs.ClientInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = client_create(**data.validated_data)
        return Response(s.ClientSerializer(client).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ClientChangeInputSerializer,
        responses={200: s.ClientSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        client = self.get_object()
        data = inputs.ClientChangeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        client = client_update(client=client, changes=dict(data.validated_data), actor=request.user)
        return Response(s.ClientSerializer(client).data)
