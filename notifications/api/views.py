"""GET /api/alerts/ and POST /api/alerts/{id}/read/: the current user's alert inbox.

Thin: the selector scopes every query to the user, so someone else's entry answers 404,
never 403.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from notifications.api.serializers import AlertNotificationSerializer
from notifications.models import Notification
from notifications.selectors import KIND_FILTERS, notifications_for
from notifications.services import notification_mark_read
from opmodel.serializers import DetailSerializer

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such alert in the user's inbox.")
FILTERS = [
    OpenApiParameter("kind", str, enum=list(KIND_FILTERS), description="Only this kind."),
    OpenApiParameter("unread", bool, description="true: unread only."),
    OpenApiParameter(
        "per_card", bool, description="true: one entry per card, its latest (as the inbox page)."
    ),
]


TRUE, FALSE = {"1", "true", "yes"}, {"0", "false", "no", ""}


def _filters(params) -> dict:
    """The list's filters, or a 400 naming each that is not one the schema documents."""
    errors, flags = {}, {}
    for name in ("unread", "per_card"):
        value = params.get(name, "").lower()
        if value not in TRUE | FALSE:
            errors[name] = ["Must be true or false."]
        flags[name] = value in TRUE
    kind = params.get("kind", None)
    if kind is not None and kind not in KIND_FILTERS:  # an empty kind too: leave it out
        errors["kind"] = [f"Must be one of: {', '.join(KIND_FILTERS)}."]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind or "", "unread": flags["unread"], "per_subject": flags["per_card"]}


@extend_schema(tags=["alerts"])
class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The alerts sent to the current user, newest first."""

    serializer_class = AlertNotificationSerializer
    queryset = Notification.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        params = self.request.query_params
        if self.action != "list":
            return notifications_for(user=self.request.user)
        return notifications_for(user=self.request.user, **_filters(params))

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        """The user's alerts, newest first; filter by kind, unread, or one per card."""
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: AlertNotificationSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one alert read (again is harmless)."""
        try:
            notification = notification_mark_read(user=request.user, notification_id=int(pk))
        except Notification.DoesNotExist as exc:
            raise NotFound("No such alert.") from exc
        return Response(AlertNotificationSerializer(notification).data)
