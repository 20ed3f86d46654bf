"""URLs under /api/ of the notifications app (included from opmodel/urls.py)."""

from rest_framework.routers import SimpleRouter

from notifications.api import views as api

router = SimpleRouter()
router.register("alerts", api.AlertViewSet, basename="api-alert")

urlpatterns = router.urls
