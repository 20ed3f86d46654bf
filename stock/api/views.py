"""The stock API (issue 23, point 8): products, warehouses, stock, movements, and a card's stock
lines, availability, reservation and links. Thin: parse, ask, call a service or selector."""

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers as rf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from opmodel.errors import InvalidInput
from processes.api.serializers import LineItemSerializer
from processes.models import LineItem
from processes.permissions import require_card_editor
from processes.selectors import cards_visible_to
from processes.services import card_item_add
from processes.services.links import card_links
from stock.api import serializers as s
from stock.models import Product, Warehouse
from stock.selectors import card_availability, stock_rows
from stock.services.lines import stock_item_add, stock_item_change, stock_item_remove
from stock.services.movements import may_move_stock, require_warehouse, stock_move
from stock.services.reservations import card_lines_reserve


def _visible_card(request, pk):
    return get_object_or_404(cards_visible_to(request.user), pk=pk)


def _sees_stock(user) -> bool:
    # Stock is the warehouse's and the processes' people's: an outsider sees nothing.
    from roles.permissions import visible_process_ids

    return may_move_stock(user) or bool(visible_process_ids(user))


class _StockView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not _sees_stock(request.user):
            raise Http404


# A list of the stock catalogue's rows that anyone who sees stock reads and the warehouse's
# people add to; `unique` names the field that must not repeat (400 when taken). (A comment,
# not a docstring: the schema would show it as each endpoint's description.)
class _CatalogueView(_StockView):
    model: type
    unique: tuple[str, str]  # (field, the refusal when the value is taken)

    def get(self, request):
        return Response(self.serializer_class(self.model.objects.all(), many=True).data)

    def post(self, request):
        require_warehouse(request.user)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                row = self.model.objects.create(**data.validated_data)
        except IntegrityError as exc:
            field, refusal = self.unique
            raise InvalidInput({field: [refusal]}) from exc
        return Response(self.serializer_class(row).data, status=status.HTTP_201_CREATED)


def _catalogue_schema(serializer):
    """The schema of a catalogue view: a list of `serializer`, and a POST answering 201."""
    return extend_schema_view(
        get=extend_schema(responses={200: serializer(many=True)}),
        post=extend_schema(request=serializer, responses={201: serializer}),
    )


@_catalogue_schema(s.ProductSerializer)
class ProductsView(_CatalogueView):
    serializer_class = s.ProductSerializer
    model = Product
    unique = ("sku", "A product with this SKU exists.")


@_catalogue_schema(s.WarehouseSerializer)
class WarehousesView(_CatalogueView):
    serializer_class = s.WarehouseSerializer
    model = Warehouse
    unique = ("code", "A warehouse with this code exists.")


class StockView(_StockView):
    serializer_class = s.StockRowSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("sku", str, description="Only this product."),
            OpenApiParameter("warehouse", str, description="Only this warehouse (its code)."),
        ],
        responses={200: s.StockRowSerializer(many=True)},
    )
    def get(self, request):
        query = s.StockQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = stock_rows(**query.validated_data)
        return Response(
            [
                {
                    "sku": row.product.sku,
                    "warehouse": row.warehouse.code,
                    "on_hand": str(row.on_hand),
                    "reserved": str(row.reserved),
                    "available": str(row.available_now),
                    "incoming": str(row.incoming),
                }
                for row in rows
            ]
        )


class MovementsView(_StockView):
    serializer_class = s.MovementInputSerializer

    @extend_schema(
        request=s.MovementInputSerializer,
        responses={
            201: inline_serializer(
                "MovementRecorded",
                {"id": rf.IntegerField(), "kind": rf.CharField(), "quantity": rf.CharField()},
            )
        },
    )
    def post(self, request):
        require_warehouse(request.user)
        data = s.MovementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movement = stock_move(actor=request.user, now=timezone.now(), **data.validated_data)
        return Response(
            {"id": movement.pk, "kind": movement.kind, "quantity": str(movement.quantity)},
            status=status.HTTP_201_CREATED,
        )


def _availability_data(card) -> dict:
    answer = card_availability(card)
    lines = [
        {
            "item": line["item"],
            "sku": line["sku"],
            "quantity": str(line["quantity"]),
            "on_hand": str(line["on_hand"]),
            "available": str(line["available"]),
            "reserved": str(line["reserved"]),
            "short": str(line["short"]),
        }
        for line in answer["lines"]
    ]
    return {**answer, "lines": lines}


class CardItemsView(APIView):
    """POST /api/cards/{id}/items/: a stock line by `sku`, or a free-text line by `product`."""

    serializer_class = s.ItemInputSerializer

    @extend_schema(request=s.ItemInputSerializer, responses={201: LineItemSerializer})
    def post(self, request, pk):
        card = _visible_card(request, pk)
        data = s.ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        warehouse = fields.pop("warehouse")
        if fields.get("sku"):
            fields.pop("product", None)
            item = stock_item_add(
                actor=request.user,
                card=card,
                warehouse=warehouse,
                expected_version=version,
                at=timezone.now(),
                **fields,
            )
        else:
            fields.pop("sku", None)
            item = card_item_add(actor=request.user, card=card, expected_version=version, **fields)
        return Response(LineItemSerializer(item).data, status=status.HTTP_201_CREATED)


class CardItemView(APIView):
    serializer_class = s.ItemChangeSerializer

    def _item(self, request, pk, item_id):
        card = _visible_card(request, pk)
        return get_object_or_404(LineItem.objects.select_related("card"), pk=item_id, card=card)

    def patch(self, request, pk, item_id):
        item = self._item(request, pk, item_id)
        data = s.ItemChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        item = stock_item_change(
            actor=request.user,
            item=item,
            changes=changes,
            expected_version=version,
            at=timezone.now(),
        )
        return Response(LineItemSerializer(item).data)

    def delete(self, request, pk, item_id):
        item = self._item(request, pk, item_id)
        stock_item_remove(actor=request.user, item=item, at=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class CardAvailabilityView(APIView):
    serializer_class = s.AvailabilitySerializer

    def get(self, request, pk):
        return Response(_availability_data(_visible_card(request, pk)))


class CardReserveView(APIView):
    serializer_class = s.AvailabilitySerializer

    @extend_schema(request=None, responses={200: s.AvailabilitySerializer})
    def post(self, request, pk):
        card = _visible_card(request, pk)
        require_card_editor(request.user, card.process_id, "reserve stock")
        card_lines_reserve(actor=request.user, card=card, now=timezone.now())
        return Response(_availability_data(card))


class CardLinksView(APIView):
    serializer_class = s.LinkSerializer

    @extend_schema(responses={200: s.LinkSerializer(many=True)})
    def get(self, request, pk):
        card = _visible_card(request, pk)
        return Response(
            [
                {"card": link["card"], "process": link["process"], "kind": link["kind"]}
                for link in card_links(card)
            ]
        )
