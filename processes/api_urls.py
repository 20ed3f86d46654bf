"""URLs under /api/ (see processes/api.py for the contract)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from opmodel.api_docs import api_docs_view
from processes import api, api_approvals
from roles.api import MeView

router = SimpleRouter()
router.register("processes", api.ProcessViewSet, basename="api-process")
router.register("clients", api.ClientViewSet, basename="api-client")
router.register("cards", api.CardViewSet, basename="api-card")
router.register("approvals", api_approvals.ApprovalViewSet, basename="api-approval")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    # drf-spectacular serves to anyone by default; the schema, like every endpoint, needs login.
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="api-schema",
    ),
    path(
        "docs/",
        login_required(api_docs_view()),
        name="api-docs",
    ),
    *router.urls,
]
