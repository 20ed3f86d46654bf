"""GET /api/processes/{slug}/forecast/, .../forecast/backtest/ and .../sle/. Thin: read the
question, ask the selectors, shape the answer. 404 for a process the user holds no role in."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from flow import forecasting, selectors
from flow.api.queries import read_forecast_query
from opmodel.api import refuse_blank
from opmodel.errors import InvalidInput
from processes.api.serializers import DetailSerializer
from processes.calendars import working_time_for
from processes.selectors import processes_visible_to


def visible_process(user, slug: str):
    return get_object_or_404(processes_visible_to(user), slug=slug)


def forecast_data(result: selectors.Forecast) -> dict:
    def shown(value):
        return value.isoformat() if hasattr(value, "isoformat") else value

    return {
        "kind": result.kind,
        "window": {"from": result.window[0].isoformat(), "to": result.window[1].isoformat()},
        "sample_days": result.sample_days,
        "trials": result.trials,
        "seed": result.seed,
        "sufficient": result.sufficient,
        "target": shown(result.target),
        "percentiles": {str(p): shown(v) for p, v in result.percentiles.items()},
    }


FORECAST_PARAMS = [
    OpenApiParameter("how_many_by", OpenApiTypes.DATE, description="How many cards by then."),
    OpenApiParameter("when", int, description="When will N cards be done (default: the open)."),
    OpenApiParameter("window_days", int, description="History window in days (default 30)."),
    OpenApiParameter("seed", int, description="Replays a forecast (default: a new seed)."),
]
ANSWERS = {200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: DetailSerializer}


class ForecastView(APIView):
    """Monte Carlo on daily throughput: how many by a date (at least, per level) or when N
    cards will be done (a date per level), with the seed that replays it."""

    @extend_schema(tags=["flow"], parameters=FORECAST_PARAMS, responses=ANSWERS)
    def get(self, request, slug):
        process = visible_process(request.user, slug)
        now = timezone.now()
        today = now.astimezone(working_time_for(process).tz).date()
        refuse_blank(request.query_params)
        question, errors = read_forecast_query(request.query_params, today=today)
        if errors:
            raise InvalidInput(errors)
        return Response(forecast_data(selectors.forecast(process, now=now, **question)))


class ServiceLevelView(APIView):
    """The service level expectation: 85% of the cards finish within `days` (cycle time over
    the window, default 30 days)."""

    @extend_schema(tags=["flow"], parameters=FORECAST_PARAMS[2:3], responses=ANSWERS)
    def get(self, request, slug):
        process = visible_process(request.user, slug)
        now = timezone.now()
        today = now.astimezone(working_time_for(process).tz).date()
        refuse_blank(request.query_params)
        params = {"window_days": request.query_params.get("window_days", "")}
        question, errors = read_forecast_query(params, today=today)
        if errors:
            raise InvalidInput(errors)
        level = selectors.service_level(process, now=now, window_days=question["window_days"])
        return Response(
            {
                "percentile": level.percentile,
                "days": level.days,
                "sample": level.sample,
                "window": {"from": level.window[0].isoformat(), "to": level.window[1].isoformat()},
            }
        )


class BacktestView(APIView):
    """Past forecasts replayed: from each working day of the last 180 days, "how many in the
    next 10 working days" from the window before it, against what finished; per level the
    anchors, how many held and the hit rate."""

    @extend_schema(tags=["flow"], parameters=FORECAST_PARAMS[2:], responses=ANSWERS)
    def get(self, request, slug):
        process = visible_process(request.user, slug)
        now = timezone.now()
        today = now.astimezone(working_time_for(process).tz).date()
        refuse_blank(request.query_params)
        params = {k: request.query_params.get(k, "") for k in ("window_days", "seed")}
        question, errors = read_forecast_query(params, today=today)
        if errors:
            raise InvalidInput(errors)
        levels = selectors.backtest(process, now=now, **question)
        return Response(
            {
                "horizon_days": selectors.BACKTEST_HORIZON_DAYS,
                "trials": forecasting.BACKTEST_TRIALS,
                "seed": question["seed"],
                "levels": {
                    str(p): {"anchors": r.anchors, "held": r.held, "rate": r.rate}
                    for p, r in levels.items()
                },
            }
        )
