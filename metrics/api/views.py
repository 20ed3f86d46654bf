"""GET /api/metrics/weekly/: a week's flow figures. Thin, like processes/api/."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.api.serializers import weekly_metrics_data
from metrics.dashboards import week_choice
from metrics.models import WeeklySnapshot
from metrics.sections import weekly_sections_data
from opmodel.errors import InvalidInput
from processes.api.serializers import DetailSerializer

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
    the workers stored them (named as in docs/design.md, "Metric definitions"). 400 for a bad or
    missing process or week; 404 for a process the user holds no role in, or a week not computed
    yet."""

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
        return Response(
            {**weekly_metrics_data(snapshot), **weekly_sections_data(choice.process, choice.week)}
        )
