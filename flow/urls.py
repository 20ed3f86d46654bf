from django.urls import path

from flow import views

urlpatterns = [
    path("processes/<slug:slug>/flow/", views.process_flow, name="process-flow"),
]
