from django.urls import path

from flow import views

urlpatterns = [
    path("processes/<slug:slug>/flow/", views.process_flow, name="process-flow"),
    path("processes/<slug:slug>/map/", views.process_map_page, name="process-map"),
    path("processes/<slug:slug>/map/cards/", views.process_map_cards, name="process-map-cards"),
]
