"""The money's API: a card's invoice, finance's payments, the receivables. Thin: parse, ask,
call a service or selector."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from finance.api import serializers as s
from finance.permissions import receivables_process_ids
from finance.selectors import card_invoice, receivables
from finance.services import payment_record, process_today
from opmodel.errors import InvalidInput
from opmodel.serializers import DetailSerializer
from processes.calendars import process_zone
from processes.models import Process
from processes.selectors import cards_visible_to
from roles.permissions import visible_process_ids


def _invoice_data(invoice, today) -> dict:
    return {
        "amount": invoice.amount,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "paid": invoice.paid,
        "outstanding": invoice.outstanding,
        "state": invoice.state_on(today),
    }


def _visible_card(request, pk):
    return get_object_or_404(cards_visible_to(request.user).select_related("process"), pk=pk)


class CardInvoiceView(APIView):
    serializer_class = s.InvoiceDetailSerializer

    @extend_schema(responses={200: s.InvoiceDetailSerializer})
    def get(self, request, pk):
        card = _visible_card(request, pk)
        invoice = card_invoice(card)
        if invoice is None:
            raise Http404("This card has no invoice.")
        today = process_today(card, timezone.now())
        body = {
            **_invoice_data(invoice, today),
            "voided_on": invoice.voided_on,
            "payments": [
                {"amount": p.amount, "paid_on": p.paid_on, "reference": p.reference}
                for p in invoice.payments.order_by("paid_on", "id")
            ],
        }
        return Response(s.InvoiceDetailSerializer(body).data)


class CardPaymentsView(APIView):
    serializer_class = s.PaymentInputSerializer

    @extend_schema(request=s.PaymentInputSerializer, responses={201: s.PaymentSerializer})
    def post(self, request, pk):
        card = _visible_card(request, pk)
        data = s.PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        payment = payment_record(actor=request.user, card=card, now=now, **data.validated_data)
        body = {
            "id": payment.pk,
            "amount": payment.amount,
            "paid_on": payment.paid_on,
            "reference": payment.reference,
            "invoice": _invoice_data(payment.invoice, process_today(card, now)),
        }
        return Response(s.PaymentSerializer(body).data, status=status.HTTP_201_CREATED)


class ReceivablesView(APIView):
    serializer_class = s.ReceivableSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                enum=["open", "overdue"],
                description="open: every invoice with money outstanding (default); overdue: "
                "those past their due date.",
            ),
            OpenApiParameter("client", OpenApiTypes.INT, description="Only this client's (id)."),
        ],
        responses={
            200: s.ReceivableSerializer(many=True),
            404: OpenApiResponse(DetailSerializer, description="Someone who works in no process."),
        },
    )
    def get(self, request):
        ids = receivables_process_ids(request.user)
        if not ids:
            if visible_process_ids(request.user):
                raise PermissionDenied("Only finance and a process's accountable or owner.")
            raise Http404
        blank = sorted(k for k, v in request.query_params.items() if not v.strip())
        if blank:
            raise InvalidInput({key: ["This field may not be blank."] for key in blank})
        query = s.ReceivablesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        first = Process.objects.filter(pk__in=ids).select_related("calendar").first()
        today = timezone.now().astimezone(process_zone(first)).date()
        rows = receivables(
            process_ids=ids,
            today=today,
            overdue_only=query.validated_data["state"] == "overdue",
            client_id=query.validated_data.get("client"),
        )
        data = [
            {
                "card": row.card.pk,
                "client": row.card.client.name if row.card.client_id else None,
                "amount": row.invoice.amount,
                "outstanding": row.outstanding,
                "due_on": row.invoice.due_on,
                "days_overdue": row.days_overdue,
            }
            for row in rows
        ]
        return Response(s.ReceivableSerializer(data, many=True).data)
