"""GET /api/processes/: the processes where the user holds a role, as data: input, output, owner,
participants, the goals they serve and their headline figures, statuses and transitions."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from processes.api import serializers as s
from processes.api.rules import ProcessRulesSerializer
from processes.models import Process, Transition
from processes.rules import process_rules
from processes.selectors import process_participants, processes_visible_to
from processes.summaries import process_summaries


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
        return (
            processes_visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related(
                "statuses",
                Prefetch(
                    "transitions",
                    queryset=Transition.objects.select_related("target").prefetch_related(
                        "sources"
                    ),
                ),
            )
        )

    def _context(self, processes: list) -> dict:
        ids = [process.pk for process in processes]
        return {
            **self.get_serializer_context(),
            "participants": process_participants(ids),
            "summaries": process_summaries(processes),
        }

    def list(self, request, *args, **kwargs):
        processes = list(self.get_queryset())
        serializer = self.get_serializer(processes, many=True, context=self._context(processes))
        return Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        process = self.get_object()
        return Response(self.get_serializer(process, context=self._context([process])).data)

    @extend_schema(responses={200: ProcessRulesSerializer, 404: s.DetailSerializer})
    @action(detail=True, methods=["get"])
    def rules(self, request, *args, **kwargs):
        """The rules of the game: statuses with their next action and SLA, transitions with
        their roles, conditions and approvals, exception rules, block reasons, the calendar,
        the rhythm of reviews (when, how long, who facilitates)."""
        return Response(ProcessRulesSerializer(process_rules(self.get_object())).data)
