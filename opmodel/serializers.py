"""API shapes every app shares (the project's, so any app may import them)."""

from rest_framework import serializers


class DetailSerializer(serializers.Serializer):
    """The body of 403, 404 and 409 answers."""

    detail = serializers.CharField()


class StrictCharField(serializers.CharField):
    """Text input: a JSON number or boolean is refused as the schema says (string), not turned
    into text as DRF's CharField does (schemathesis's negative data check, issue 15)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
