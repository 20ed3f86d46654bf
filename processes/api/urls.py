"""URLs under /api/ (see the processes/api package for the contract)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from opmodel.api_docs import api_docs_view
from processes.api.approvals import ApprovalViewSet
from processes.api.cards import CardViewSet
from processes.api.clients import ClientViewSet
from processes.api.me import MeView
from processes.api.processes import ProcessViewSet

router = SimpleRouter()
router.register("processes", ProcessViewSet, basename="api-process")
router.register("clients", ClientViewSet, basename="api-client")
router.register("cards", CardViewSet, basename="api-card")
router.register("approvals", ApprovalViewSet, basename="api-approval")

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
