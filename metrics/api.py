"""GET /api/alerts/ and POST /api/alerts/{id}/read/: the current user's alert inbox.

Thin, like processes/api.py: the selector scopes every query to the user, so someone else's
entry answers 404, never 403.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.dashboards import week_choice
from metrics.models import Notification, WeeklySnapshot
from metrics.selectors import notifications_for
from metrics.serializers import AlertNotificationSerializer, weekly_metrics_data
from metrics.services import notification_mark_read
from processes.errors import InvalidInput
from processes.serializers import DetailSerializer

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


WEEKLY_PARAMS = [
    OpenApiParameter(
        "process", str, required=True, description="Process slug, e.g. order-to-cash."
    ),
    OpenApiParameter(
        "week", str, description="ISO week, e.g. 2026-W47 (default: the last complete week)."
    ),
]


class WeeklyMetricsView(APIView):
    """GET /api/metrics/weekly/?process=order-to-cash&week=2026-W47: a week's flow figures, as
    the workers stored them (DESIGN.md section 4 names). 400 for a bad or missing process or
    week; 404 for a process the user holds no role in, or a week not computed yet."""

    @extend_schema(
        tags=["metrics"],
        parameters=WEEKLY_PARAMS,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: DetailSerializer},
    )
    def get(self, request):
        choice = week_choice(user=request.user, params=request.query_params, require_process=True)
        if choice.errors:
            raise InvalidInput(choice.errors)
        snapshot = (
            WeeklySnapshot.objects.filter(process=choice.process, week=choice.week).first()
            if choice.process
            else None
        )
        if snapshot is None:
            raise NotFound(
                f"No figures for {choice.week} yet: the workers compute each week when it ends "
                "(and the week in progress every 15 minutes); older weeks need "
                "`manage.py metrics_backfill`."
            )
        return Response(weekly_metrics_data(snapshot))
