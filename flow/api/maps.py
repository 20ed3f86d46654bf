"""GET /api/processes/{slug}/map/?from=YYYY-MM-DD&to=YYYY-MM-DD: the process map, designed vs
actual, over local days [from, to) (default: the last 12 whole weeks up to today), and
GET .../map/cards/?from&to&<figure>: the cards behind one of its figures. 400 for bad dates, 404
for a process the user holds no role in (and for a figure that names nothing)."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from flow.api.forecasts import ANSWERS, visible_process
from flow.selectors.process_map import DEVIATIONS, cards_behind, process_map
from opmodel.api import refuse_blank
from opmodel.errors import InvalidInput, field_errors
from processes.calendars import working_time_for

DEFAULT_WEEKS = 12
MAX_DAYS = 3 * 366


class MapQuery(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        first, last = attrs.get("date_from"), attrs.get("date_to")
        if first and last and first >= last:
            raise serializers.ValidationError({"to": ["Give a date after `from`."]})
        if first and last and (last - first).days > MAX_DAYS:
            raise serializers.ValidationError({"to": ["Give at most three years."]})
        return attrs


def read_map_window(params, *, today):
    """(first, last excluded) local days, or InvalidInput with the field errors."""
    data = {
        key: params.get(name, "").strip()
        for key, name in (("date_from", "from"), ("date_to", "to"))
        if params.get(name, "").strip()
    }
    query = MapQuery(data=data)
    if not query.is_valid():
        raise InvalidInput(field_errors(query.errors, {"date_from": "from", "date_to": "to"}))
    last = query.validated_data.get("date_to", today + timedelta(days=1))
    first = query.validated_data.get("date_from", last - timedelta(weeks=DEFAULT_WEEKS))
    if first >= last:
        raise InvalidInput({"from": ["Give a date before `to`."]})
    return first, last


def _process_and_window(request, slug):
    """The user's process (404 otherwise) and the map's window [first, last) from the query,
    local days of the process's calendar (400 for a blank or bad parameter)."""
    process = visible_process(request.user, slug)
    today = timezone.now().astimezone(working_time_for(process).tz).date()
    refuse_blank(request.query_params)
    first, last = read_map_window(request.query_params, today=today)
    return process, first, last


class ProcessMapView(APIView):
    """Per status visits, time in status P50/P85 (business hours) and WIP now; per move the
    count, whether it was designed, and its time P50/P85; the main variants; rework; the
    conformance of the finished cards with the deviations by kind; the problem areas. The cards
    behind each figure: .../map/cards/."""

    @extend_schema(
        tags=["flow"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local day."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Day after the last."),
        ],
        responses=ANSWERS,
    )
    def get(self, request, slug):
        process, first, last = _process_and_window(request, slug)
        return Response(process_map(process, first=first, last_excluded=last))


FIGURE_PARAMS = [
    OpenApiParameter("status", str, description="The visits to a status."),
    OpenApiParameter("move", str, description="The moves from A to B, written A>B."),
    OpenApiParameter("variant", int, description="The variant at this place (0 = the first)."),
    OpenApiParameter("rework", str, description="Any value: the cards with rework."),
    OpenApiParameter(
        "deviation",
        str,
        enum=list(DEVIATIONS),
        description="The finished cards with this deviation.",
    ),
    OpenApiParameter("blocked", str, description="The cards blocked in a status."),
    OpenApiParameter("breached", str, description="The cards past the SLA in a status."),
]


class FigureQuery(serializers.Serializer):
    """The figure's parameters that have a type: checked whichever parameter names the figure
    (schemathesis: `?rework=x&variant=true` answered the rework's cards, the bad variant
    unread)."""

    variant = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    deviation = serializers.ChoiceField(required=False, choices=DEVIATIONS)


def check_figure(params) -> dict:
    """The figure's parameters (one value each), its typed ones as checked (`variant` an
    integer); InvalidInput with their field errors, if any."""
    query = FigureQuery(data={k: params[k] for k in ("variant", "deviation") if k in params})
    if not query.is_valid():
        raise InvalidInput(field_errors(query.errors))
    return {**params.dict(), **query.validated_data}


class ProcessMapCardsView(APIView):
    """The cards behind one figure of the map over the same window: `{title, total, cards}`
    (card ids, ascending). The figure is named by one parameter; 404 when it names nothing."""

    @extend_schema(
        tags=["flow"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local day."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Day after the last."),
            *FIGURE_PARAMS,
        ],
        responses=ANSWERS,
    )
    def get(self, request, slug):
        process, first, last = _process_and_window(request, slug)
        figure = check_figure(request.query_params)
        chosen = cards_behind(process, figure, first=first, last_excluded=last)
        if chosen is None:
            raise NotFound("No such figure on the map.")
        title, ids = chosen
        return Response({"title": title, "total": len(ids), "cards": ids})
