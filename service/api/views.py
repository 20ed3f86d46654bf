"""POST /api/complaints/: a complaint card of customer service, linked to its client and, when
given, to the order card it is about. Thin: parse, call the service."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from service.api import serializers as s
from service.services import complaint_create


def complaint_data(card, order_id) -> dict:
    complaint = card.complaint
    return {
        "card": card.pk,
        "process": card.process.slug,
        "status": card.status,
        "title": card.title,
        "client": card.client_id,
        "order": order_id,
        "reason": complaint.reason,
        "returned": complaint.returned,
        "created_at": card.created_at,
    }


class ComplaintsView(APIView):
    serializer_class = s.ComplaintInputSerializer

    @extend_schema(
        tags=["cards"],
        request=s.ComplaintInputSerializer,
        responses={201: s.ComplaintSerializer},
    )
    def post(self, request):
        data = s.ComplaintInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        card = complaint_create(actor=request.user, now=timezone.now(), **fields)
        order = fields.get("order")
        return Response(
            s.ComplaintSerializer(complaint_data(card, order.pk if order else None)).data,
            status=status.HTTP_201_CREATED,
        )
