"""Under /api/: a card's invoice and payments, the receivables."""

from django.urls import path

from finance.api import views

urlpatterns = [
    path("cards/<int:pk>/invoice/", views.CardInvoiceView.as_view(), name="api-card-invoice"),
    path("cards/<int:pk>/payments/", views.CardPaymentsView.as_view(), name="api-card-payments"),
    path("receivables/", views.ReceivablesView.as_view(), name="api-receivables"),
]
