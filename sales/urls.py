from django.urls import path

from sales.views import figures

urlpatterns = [
    path("sales/week/cards/", figures.repeat_sales_cards, name="repeat-sales-cards"),
]
