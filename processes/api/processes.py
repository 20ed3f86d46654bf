"""GET /api/processes/: the processes where the user holds a role, as data: input, output, owner,
participants, the goals they serve and their headline figures, statuses and transitions.
POST /api/processes/ creates one from a process document; GET .../definition/ exports one and
GET .../versions/ lists its rule history (processes/blueprints, processes/versions.py)."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opmodel.encodable import encodable
from processes.api import serializers as s
from processes.api.base import FORBIDDEN
from processes.api.blueprints import (
    DefinitionWrittenSerializer,
    ProblemsSerializer,
    ProcessCreateSerializer,
    ProcessDocumentSerializer,
    VersionSerializer,
)
from processes.api.rules import ProcessRulesSerializer
from processes.blueprints import DocumentInvalid, process_document, process_from_document
from processes.blueprints.writer import definition_writer
from processes.models import DefinitionVersion, Process, Transition
from processes.permissions import may_create_process
from processes.rules import process_rules
from processes.selectors import process_participants, processes_visible_to
from processes.summaries import process_summaries
from processes.versions import version_links


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

    @extend_schema(
        request=ProcessCreateSerializer,
        responses={201: s.ProcessSerializer, 400: ProblemsSerializer, 403: FORBIDDEN},
    )
    def create(self, request, *args, **kwargs):
        """A new process from a process document (as GET .../definition/ gives), under a new
        slug and name; the caller owns it and is its accountable. Checked whole before anything
        is written: a 400 lists every problem in words. Superusers and people accountable in
        some process may create processes (403 otherwise)."""
        if not may_create_process(request.user):
            return Response(
                {"detail": "Only a superuser or the accountable of a process may create one."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = request.data if isinstance(request.data, dict) else {}
        problems = []
        if not isinstance(request.data, dict):
            problems.append("Send an object: {slug, name, definition}.")
        for key in ("slug", "name"):
            if not isinstance(data.get(key), str):
                problems.append(f"{key}: give it as text.")
        if "definition" not in data:
            problems.append("definition: give the process document.")
        if problems:
            return Response({"problems": problems}, status=status.HTTP_400_BAD_REQUEST)
        try:
            process = process_from_document(
                data["definition"], slug=data["slug"], name=data["name"], by=request.user
            )
        except DocumentInvalid as invalid:
            return Response(
                {"problems": encodable(invalid.problems)}, status=status.HTTP_400_BAD_REQUEST
            )
        process = self.get_queryset().get(pk=process.pk)
        body = self.get_serializer(process, context=self._context([process])).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses={200: ProcessDocumentSerializer, 404: s.DetailSerializer}
    )
    @extend_schema(
        methods=["PATCH"],
        request=ProcessDocumentSerializer,
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                description="The rule version the document was read at: a process changed "
                "since answers 409 instead of being overwritten.",
            )
        ],
        responses={
            200: DefinitionWrittenSerializer,
            400: ProblemsSerializer,
            403: FORBIDDEN,
            404: s.DetailSerializer,
            405: s.DetailSerializer,
            409: OpenApiResponse(
                s.DetailSerializer, description="The process changed since that version."
            ),
        },
    )
    @action(detail=True, methods=["get", "patch"])
    def definition(self, request, *args, **kwargs):
        """GET: the process's whole definition as one document: statuses, transitions, group
        roles, SLAs, targets, the calendar, exception rules, block reasons, the rhythm. POST it
        to /api/processes/ under another slug to clone the process.
        PATCH: the process brought to the document sent (the designer's check and one rule
        version, as its pages): 400 lists every problem in words and writes nothing; the
        owner, the accountable and staff only (403)."""
        process = self.get_object()
        if request.method == "GET":
            return Response(process_document(process))
        write = definition_writer()
        if write is None:
            return Response(
                {"detail": "No app writes definitions here."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        seen = request.query_params.get("version")
        if seen is not None and not seen.isdigit():
            return Response(
                {"problems": ["version: give a whole number."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            version = write(
                process=process,
                by=request.user,
                document=request.data,
                seen_version=int(seen) if seen is not None else None,
            )
        except DocumentInvalid as invalid:
            return Response(
                {"problems": encodable(invalid.problems)}, status=status.HTTP_400_BAD_REQUEST
            )
        body = {"version": version.number, "changes": version.changes} if version else None
        return Response(DefinitionWrittenSerializer(body or {"version": None, "changes": []}).data)

    @extend_schema(responses={200: VersionSerializer(many=True), 404: s.DetailSerializer})
    @action(detail=True, methods=["get"])
    def versions(self, request, *args, **kwargs):
        """The rule history, newest first: each recorded change to the definition, who made it
        and when, in words, and the review decision it carried out. Every version, unpaged."""
        versions = list(
            DefinitionVersion.objects.filter(process=self.get_object())
            .select_related("by")
            .order_by("-number")
        )
        links = version_links([v.pk for v in versions])
        return Response(
            VersionSerializer(
                [
                    {
                        "version": v.number,
                        "at": v.at,
                        "by": v.by.username if v.by_id else None,
                        "changes": v.changes,
                        "decision": links.get(v.pk),
                    }
                    for v in versions
                ],
                many=True,
            ).data
        )
