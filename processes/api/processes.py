"""GET /api/processes/: the processes where the user holds a role, as data."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from processes.api import serializers as s
from processes.models import Process, Transition
from processes.selectors import processes_visible_to


@extend_schema(tags=["processes"])
class ProcessViewSet(viewsets.ReadOnlyModelViewSet):
    """Processes where the user holds a role, with their statuses and transitions."""

    serializer_class = s.ProcessSerializer
    lookup_field = "slug"
    pagination_class = None
    queryset = Process.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Process.objects.none()
        return processes_visible_to(self.request.user).prefetch_related(
            "statuses",
            Prefetch(
                "transitions",
                queryset=Transition.objects.select_related("target").prefetch_related("sources"),
            ),
        )
