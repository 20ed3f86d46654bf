"""/api/approvals/: list approval requests, approve or reject one (issue 4).

Thin like the rest of the API: requests of processes where the user holds no role are outside the
queryset (404); who may decide is the service's question (403 with the reason), and a request
someone else decided first answers 409.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from processes.api import inputs
from processes.api import serializers as s
from processes.api.base import RequestClock
from processes.models import ApprovalRequest
from processes.selectors import approvals_visible_to
from processes.services.approvals import approval_decide

FORBIDDEN = OpenApiResponse(
    s.DetailSerializer, description="The user may not decide it (e.g. they raised it)."
)
NOT_FOUND = OpenApiResponse(s.DetailSerializer, description="No such request visible to the user.")
CONFLICT = OpenApiResponse(s.DetailSerializer, description="It was decided or withdrawn meanwhile.")


@extend_schema(tags=["approvals"])
class ApprovalViewSet(
    RequestClock, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Approval requests of the processes where the user holds a role, oldest first."""

    serializer_class = s.ApprovalSerializer
    queryset = ApprovalRequest.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalRequest.objects.none()
        return approvals_visible_to(self.request.user).order_by("requested_at", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="pending, approved, rejected, ..."),
            OpenApiParameter("card", int, description="Card id."),
        ],
        responses={200: s.ApprovalSerializer(many=True)},
    )
    def list(self, request, *args, **kwargs):
        params = inputs.ApprovalFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        approvals = self.get_queryset()
        if "status" in params.validated_data:
            approvals = approvals.filter(status=params.validated_data["status"])
        if "card" in params.validated_data:
            approvals = approvals.filter(card_id=params.validated_data["card"])
        page = self.paginate_queryset(approvals)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _decide(self, request, approve: bool):
        approval = self.get_object()
        data = inputs.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = approval_decide(
            actor=request.user,
            approval=approval,
            approve=approve,
            comment=data.validated_data["comment"],
        )
        return Response(self.get_serializer(approval).data)

    @extend_schema(
        request=inputs.DecisionInputSerializer,
        responses={200: s.ApprovalSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, approve=True)

    @extend_schema(
        request=inputs.DecisionInputSerializer,
        responses={200: s.ApprovalSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """A rejection needs a comment (400 without one)."""
        return self._decide(request, approve=False)
