"""GET /api/me/: who the API sees, and the process roles that decide what they may do (here,
not in roles: the answer names each process by its slug, which only processes knows)."""

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from processes.models import Process
from roles.selectors import grants_of


class ProcessRoleSerializer(serializers.Serializer):
    process = serializers.SlugField(help_text="Process slug.")
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = ProcessRoleSerializer(many=True)


class MeView(APIView):
    @extend_schema(tags=["me"], responses=MeSerializer)
    def get(self, request):
        user = request.user
        # Direct and group grants alike, the same ones `roles.permissions.role_map` counts. A
        # grant keeps its process's id (roles sits below processes), so the slug is joined here.
        slugs = Process.objects.filter(pk=OuterRef("process_id")).values("slug")
        grants = (
            grants_of(user)
            .annotate(process_slug=Subquery(slugs))
            .values_list("process_slug", "kind")
            .distinct()
            .order_by("process_slug", "kind")
        )
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "roles": [{"process": slug, "role": kind} for slug, kind in grants],
        }
        return Response(MeSerializer(data).data)
