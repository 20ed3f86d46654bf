"""URLs under /api/ of the metrics app (included from opmodel/urls.py)."""

from django.urls import path

from metrics.api import views as api

urlpatterns = [
    path("metrics/weekly/", api.WeeklyMetricsView.as_view(), name="api-metrics-weekly"),
]
