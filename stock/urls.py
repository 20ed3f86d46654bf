from django.urls import path

from stock.views import cards, warehouse

urlpatterns = [
    path("stock/", warehouse.stock_list, name="stock-list"),
    path("stock/products/<str:sku>/", warehouse.product_detail, name="stock-product"),
    path("stock/movements/new/", warehouse.movement_new, name="stock-movement-new"),
    path("cards/<int:card_id>/reserve/", cards.card_reserve, name="stock-card-reserve"),
    path("cards/<int:card_id>/stock-items/", cards.item_add, name="stock-item-add"),
    path(
        "cards/<int:card_id>/text-items/<int:item_id>/",
        cards.text_item_change,
        name="stock-text-item-change",
    ),
    path(
        "cards/<int:card_id>/stock-items/<int:item_id>/",
        cards.item_change,
        name="stock-item-change",
    ),
]
