"""The reviews API (issue 13, point 7). Thin, like goals/api/views.py: parse with a serializer, call
a service or selector, answer. A review or decision the user may not see answers 404; domain
refusals become HTTP answers in opmodel.errors.api_exception_handler."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from goals.models import KeyResult
from opmodel.api import VisibleViewSet
from opmodel.errors import InvalidInput
from opmodel.serializers import DetailSerializer
from processes.selectors import process_by_slug
from reviews import selectors
from reviews.api import serializers as s
from reviews.models import Decision, Review
from reviews.selectors.health import model_health
from reviews.services import reviews as review_services
from reviews.services.decisions import (
    OWNER_WITHOUT_ROLE,
    decision_done,
    decision_drop,
    decision_make,
)


def _process(user, slug: str):
    process = process_by_slug(user, slug)
    if process is None:
        raise InvalidInput({"process": [f"No process “{slug[:50]}” among yours."]})
    return process


def _decision_data(decision: Decision, today) -> dict:
    decision.overdue = decision.is_overdue_on(today)
    return s.DecisionOutSerializer(decision).data


def _review_data(review: Review) -> dict:
    now = timezone.now()
    review.agenda = review_services.agenda_of(review, now=now)
    review.attendees_list = [u.username for u in review.attendees.all()]
    decisions = list(review.decisions.select_related("owner", "process", "key_result"))
    today = review_services.local_today(review.process, now)
    data = s.ReviewOutSerializer(review).data
    data.update(
        agenda=review.agenda,
        notes=review.notes,
        discussed=review.discussed,
        carried=review.carried,
        attendees=review.attendees_list,
        decisions=[_decision_data(d, today) for d in decisions],
    )
    return data


CLOSED_ALREADY = OpenApiResponse(
    DetailSerializer, description="The decision was closed already (done or dropped)."
)


@extend_schema(tags=["reviews"])
class ReviewViewSet(VisibleViewSet):
    queryset = Review.objects.none()
    serializer_class = s.ReviewOutSerializer
    not_found = "No such review."

    def visible(self, user):
        return selectors.reviews_visible_to(user)

    @extend_schema(
        parameters=[s.ReviewFilterSerializer], responses=s.ReviewOutSerializer(many=True)
    )
    def list(self, request):
        f = self.query(s.ReviewFilterSerializer)
        reviews = self.visible(request.user)
        if "level" in f:
            reviews = reviews.filter(level=f["level"])
        if "process" in f:
            reviews = reviews.filter(process__slug=f["process"])
        if "held_on" in f:
            reviews = reviews.filter(held_on=f["held_on"])
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(s.ReviewOutSerializer(page, many=True).data)

    @extend_schema(request=s.ReviewInputSerializer, responses={201: s.ReviewDetailSerializer})
    def create(self, request):
        f = self.body(s.ReviewInputSerializer)
        review = review_services.review_open(
            actor=request.user,
            process=_process(request.user, f["process"]),
            level=f["level"],
            held_on=f.get("held_on"),
            now=timezone.now(),
        )
        return Response(_review_data(review), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ReviewDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(_review_data(self.row(pk)))

    @extend_schema(
        request=s.ReviewDecisionInputSerializer, responses={201: s.DecisionOutSerializer}
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        review = self.row(pk)
        f = self.body(s.ReviewDecisionInputSerializer)
        owner = get_user_model().objects.filter(username=f.pop("owner"), is_active=True).first()
        if owner is None:
            # The same words as for a user with no role: the field does not tell who exists.
            raise InvalidInput({"owner": [OWNER_WITHOUT_ROLE]})
        kr_id = f.pop("key_result", None)
        key_result = None
        if kr_id is not None:
            key_result = KeyResult.objects.filter(pk=kr_id).first()
            if key_result is None:
                raise InvalidInput({"key_result": ["No such key result."]})
        now = timezone.now()
        decision = decision_make(
            actor=request.user, review=review, owner=owner, key_result=key_result, now=now, **f
        )
        decision = selectors.decisions_visible_to(request.user).get(pk=decision.pk)
        today = review_services.local_today(review.process, now)
        return Response(_decision_data(decision, today), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CloseInputSerializer, responses=s.ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        review = self.row(pk)
        fields = self.body(s.CloseInputSerializer)
        review = review_services.review_close(
            actor=request.user, review=review, now=timezone.now(), **fields
        )
        return Response(_review_data(review))


@extend_schema(tags=["reviews"])
class DecisionViewSet(VisibleViewSet):
    queryset = Decision.objects.none()
    serializer_class = s.DecisionOutSerializer
    not_found = "No such decision."

    def visible(self, user):
        return selectors.decisions_visible_to(user)

    @extend_schema(
        parameters=[s.DecisionFilterSerializer], responses=s.DecisionOutSerializer(many=True)
    )
    def list(self, request):
        f = self.query(s.DecisionFilterSerializer)
        owner = None
        if f.get("owner"):
            user = get_user_model().objects.filter(username=f["owner"]).first()
            owner = user.pk if user else -1
        today = timezone.localdate()
        decisions = selectors.decisions_for(request.user, owner=owner, state=f["state"],
                                            today=today)  # fmt: skip
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response([_decision_data(d, today) for d in page])

    def _close(self, request, pk, serializer, action_fn):
        decision = self.row(pk)
        fields = self.body(serializer)
        now = timezone.now()
        action_fn(actor=request.user, decision=decision, now=now, **fields)
        decision = self.row(pk)
        return Response(_decision_data(decision, timezone.localdate(now)))

    @extend_schema(
        request=s.NoteSerializer, responses={200: s.DecisionOutSerializer, 409: CLOSED_ALREADY}
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._close(request, pk, s.NoteSerializer, decision_done)

    @extend_schema(
        request=s.ReasonSerializer, responses={200: s.DecisionOutSerializer, 409: CLOSED_ALREADY}
    )
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        return self._close(request, pk, s.ReasonSerializer, decision_drop)


class ModelHealthView(APIView):
    """GET /api/model-health/?process=: the model-health figures and checklist."""

    @extend_schema(
        tags=["reviews"],
        parameters=[OpenApiParameter("process", OpenApiTypes.STR, required=True)],
        responses={
            200: s.HealthSerializer,
            404: OpenApiResponse(DetailSerializer, description="No such process among the user's."),
        },
    )
    def get(self, request):
        slug = request.query_params.get("process", "")
        if not slug:
            raise InvalidInput({"process": ["Give the process, e.g. process=order-to-cash."]})
        process = process_by_slug(request.user, slug)
        if process is None:
            raise NotFound("No such process among yours.")
        health = model_health(process, now=timezone.now())
        return Response(
            s.HealthSerializer(
                {"process": process.slug, "figures": health.figures, "checklist": health.checklist}
            ).data
        )
