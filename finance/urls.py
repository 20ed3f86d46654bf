from django.urls import path

from finance.views import cards, receivables

urlpatterns = [
    path("receivables/", receivables.receivables_page, name="receivables"),
    path("cards/<int:card_id>/payments/", cards.payment_new, name="finance-payment-new"),
]
