"""API shapes every app shares (the project's, so any app may import them)."""

from rest_framework import serializers


class DetailSerializer(serializers.Serializer):
    """The body of 403, 404 and 409 answers."""

    detail = serializers.CharField()
