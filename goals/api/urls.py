"""URLs under /api/ of the goals app (included from opmodel/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from goals.api import views as api

router = SimpleRouter()
router.register("goals", api.GoalViewSet, basename="api-goal")
router.register("key-results", api.KeyResultViewSet, basename="api-key-result")

urlpatterns = [
    path("metrics/catalogue/", api.CatalogueView.as_view(), name="api-metrics-catalogue"),
    *router.urls,
]
