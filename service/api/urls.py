"""Under /api/: complaints (customer service)."""

from django.urls import path

from service.api import views

urlpatterns = [
    path("complaints/", views.ComplaintsView.as_view(), name="api-complaints"),
]
