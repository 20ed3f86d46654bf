"""URLs under /api/ of the metrics app (included from opmodel/urls.py)."""

from rest_framework.routers import SimpleRouter

from metrics import api

router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="api-alert")

urlpatterns = router.urls
