"""The goals API (issue 12, section 9). Thin, like processes/api/: parse with a serializer,
call a service or selector, answer. A goal the user may not see answers 404, never 403;
domain refusals become HTTP answers in opmodel.errors.api_exception_handler."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from goals import selectors, services
from goals.api import serializers as s
from goals.models import Goal, KeyResult
from goals.permissions import restrict_goals
from goals.selectors.chance import key_result_chance, new_seed
from goals.services.tree import goal_parent_of
from metrics.catalogue import catalogue_data
from opmodel.api import VisibleViewSet
from opmodel.errors import InvalidInput
from processes.api.serializers import DetailSerializer
from processes.models import Status
from processes.selectors import processes_by_slug, processes_visible_to

FORBIDDEN = OpenApiResponse(DetailSerializer, description="The user's role may not.")
NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such goal visible to the user.")
FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [message]}.")


def _processes(user, slugs: list[str]):
    """The user's processes named by slug; an unknown one (or one they hold no role in) is a
    field error, so a slug never tells an outsider that a process exists."""
    found = processes_by_slug(user, slugs)
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise InvalidInput({"processes": [f"No process “{missing[0][:50]}” among yours."]})
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _goal_view(request, pk: int):
    view = selectors.goal_detail(user=request.user, goal_id=int(pk), now=timezone.now())
    if view is None:
        raise NotFound("No such goal.")
    return view


@extend_schema(tags=["goals"])
class GoalViewSet(VisibleViewSet):
    """Goals of the processes where the user holds a role, with their key results computed
    from the weekly figures."""

    queryset = Goal.objects.none()
    serializer_class = s.GoalOutSerializer
    pagination_class = None
    not_found = "No such goal."

    def visible(self, user):
        return restrict_goals(Goal.objects.all(), user)

    @extend_schema(
        parameters=[
            OpenApiParameter("active_on", OpenApiTypes.DATE, description="Goals active that day."),
            OpenApiParameter("process", str, description="Goals that change this process."),
        ],
        responses={200: s.GoalOutSerializer(many=True), 400: FIELD_ERRORS},
    )
    def list(self, request):
        params = self.query(s.GoalFilterSerializer)
        views = selectors.goals_for(user=request.user, now=timezone.now(), **params)
        return Response(s.GoalOutSerializer(views, many=True).data)

    @extend_schema(responses={200: s.GoalOutSerializer, 404: NOT_FOUND})
    def retrieve(self, request, pk=None):
        return Response(s.GoalOutSerializer(_goal_view(request, pk)).data)

    @extend_schema(
        request=s.GoalInputSerializer,
        responses={201: s.GoalOutSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def create(self, request):
        fields = self.body(s.GoalInputSerializer)
        fields["processes"] = _processes(request.user, fields.get("processes", []))
        fields["parent"] = goal_parent_of(actor=request.user, parent_id=fields.get("parent"))
        goal = services.goal_create(actor=request.user, now=timezone.now(), **fields)
        return Response(s.GoalOutSerializer(_goal_view(request, goal.pk)).data, status=201)

    @extend_schema(
        request=s.GoalInputSerializer(partial=True),
        responses={200: s.GoalOutSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request, pk=None):
        goal = self.row(pk)
        changes = self.body(s.GoalInputSerializer, partial=True)
        if "processes" in request.data:
            changes["processes"] = _processes(request.user, changes.get("processes", []))
        else:
            changes.pop("processes", None)
        for name in ("why", "cadence"):
            if name not in request.data:
                changes.pop(name, None)  # the serializer's defaults are not changes
        if "parent" in changes:
            changes["parent"] = goal_parent_of(actor=request.user, parent_id=changes["parent"])
        services.goal_update(actor=request.user, goal=goal, changes=changes, now=timezone.now())
        return Response(s.GoalOutSerializer(_goal_view(request, goal.pk)).data)

    @extend_schema(
        request=s.KeyResultInputSerializer,
        responses={
            201: s.KeyResultOutSerializer,
            400: FIELD_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="key-results")
    def key_results(self, request, pk=None):
        """Add a key result: 201 with its baseline (and the weeks it came from) and its
        current value."""
        goal = self.row(pk)
        fields = self.body(s.KeyResultInputSerializer)
        process = _processes(request.user, [fields.pop("process")])[0]
        kr = services.key_result_create(
            actor=request.user, goal=goal, process=process, now=timezone.now(), **fields
        )
        view = next(k for k in _goal_view(request, goal.pk).key_results if k.kr.pk == kr.pk)
        return Response(s.KeyResultOutSerializer(view).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["goals"])
class KeyResultViewSet(VisibleViewSet):
    queryset = KeyResult.objects.none()
    serializer_class = s.HistorySerializer
    not_found = "No such key result."

    def visible(self, user):
        goals = restrict_goals(Goal.objects.all(), user)
        return KeyResult.objects.filter(goal__in=goals).select_related("goal__owner", "process")

    @extend_schema(responses={200: s.HistorySerializer(many=True), 404: NOT_FOUND})
    # A plain list, as documented: a goal's period is at most two years, about 105 weeks.
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """The key result's weekly rows, oldest first (the week in progress has complete false)."""
        kr = self.row(pk)
        rows = kr.weeks.order_by("week_start")
        return Response(s.HistorySerializer(rows, many=True, context={"metric": kr.metric}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("seed", int, description="Replay a chance with its seed."),
            OpenApiParameter("window_days", int, description="History window, default 30."),
        ],
        responses={200: s.ChanceSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def chance(self, request, pk=None):
        """The chance of reaching the target by the deadline (a throughput target), beside the
        owner's latest confidence."""
        kr = self.row(pk)
        query = self.query(s.ChanceQuerySerializer)
        seed = query.pop("seed", None)
        answer = key_result_chance(
            kr, now=timezone.now(), seed=new_seed() if seed is None else seed, **query
        )
        return Response(s.ChanceSerializer(answer).data)

    @extend_schema(
        request=s.CheckInInputSerializer,
        responses={201: s.CheckInSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        """The goal owner's check-in: confidence 0-10 and a comment."""
        kr = self.row(pk)
        fields = self.body(s.CheckInInputSerializer)
        check_in = services.check_in_create(
            actor=request.user, key_result=kr, now=timezone.now(), **fields
        )
        return Response(s.CheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)


class CatalogueView(APIView):
    """GET /api/metrics/catalogue/: the metrics a key result may follow."""

    @extend_schema(tags=["goals"], responses={200: s.CatalogueSerializer(many=True)})
    def get(self, request):
        statuses = list(
            Status.objects.filter(process__in=processes_visible_to(request.user))
            .order_by("process_id", "order", "id")
            .values_list("slug", flat=True)
        )
        return Response(catalogue_data(list(dict.fromkeys(statuses))))
