"""URLs under /api/ (see the processes/api package for the contract)."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from processes.api.approvals import ApprovalViewSet
from processes.api.cards import CardViewSet
from processes.api.clients import ClientViewSet
from processes.api.processes import ProcessViewSet
from roles.api import MeView

router = SimpleRouter()
router.register("processes", ProcessViewSet, basename="api-process")
router.register("clients", ClientViewSet, basename="api-client")
router.register("cards", CardViewSet, basename="api-card")
router.register("approvals", ApprovalViewSet, basename="api-approval")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    # drf-spectacular serves to anyone by default; the schema, like every endpoint, needs login.
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="api-schema",
    ),
    path(
        "docs/",
        login_required(
            SpectacularSwaggerView.as_view(
                url_name="api-schema", permission_classes=[IsAuthenticated]
            )
        ),
        name="api-docs",
    ),
    *router.urls,
]
