"""URLs under /api/ of the metrics app (included from opmodel/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from metrics import api

router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="api-alert")

urlpatterns = [
    path("metrics/weekly/", api.WeeklyMetricsView.as_view(), name="api-metrics-weekly"),
    *router.urls,
]
