"""Under /api/, included before processes' API: the card paths here (items with a sku, an
item's change and removal, availability, reserve, links) extend the card's endpoints."""

from django.urls import path

from stock.api import views

urlpatterns = [
    path("products/", views.ProductsView.as_view(), name="api-products"),
    path("warehouses/", views.WarehousesView.as_view(), name="api-warehouses"),
    path("stock/", views.StockView.as_view(), name="api-stock"),
    path("stock/movements/", views.MovementsView.as_view(), name="api-stock-movements"),
    path("cards/<int:pk>/items/", views.CardItemsView.as_view(), name="api-card-items"),
    path(
        "cards/<int:pk>/items/<int:item_id>/",
        views.CardItemView.as_view(),
        name="api-card-item",
    ),
    path(
        "cards/<int:pk>/availability/",
        views.CardAvailabilityView.as_view(),
        name="api-card-availability",
    ),
    path("cards/<int:pk>/reserve/", views.CardReserveView.as_view(), name="api-card-reserve"),
    path("cards/<int:pk>/links/", views.CardLinksView.as_view(), name="api-card-links"),
]
