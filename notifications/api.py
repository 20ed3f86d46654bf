"""GET /api/alerts/ and POST /api/alerts/{id}/read/: the current user's alert inbox.

Thin: the selector scopes every query to the user, so someone else's entry answers 404,
never 403.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.serializers import AlertNotificationSerializer
from notifications.services import notification_mark_read
from opmodel.serializers import DetailSerializer

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such alert in the user's inbox.")


@extend_schema(tags=["alerts"])
class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The alerts sent to the current user, newest first."""

    serializer_class = AlertNotificationSerializer
    queryset = Notification.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for(user=self.request.user)

    @extend_schema(request=None, responses={200: AlertNotificationSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one alert read (again is harmless)."""
        try:
            notification = notification_mark_read(user=request.user, notification_id=int(pk))
        except Notification.DoesNotExist as exc:
            raise NotFound("No such alert.") from exc
        return Response(AlertNotificationSerializer(notification).data)
