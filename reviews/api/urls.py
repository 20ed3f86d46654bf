"""URLs under /api/ of the reviews app (included from opmodel/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from reviews.api import views

router = SimpleRouter()
router.register("reviews", views.ReviewViewSet, basename="api-review")
router.register("decisions", views.DecisionViewSet, basename="api-decision")

urlpatterns = [
    path("model-health/", views.ModelHealthView.as_view(), name="api-model-health"),
    *router.urls,
]
